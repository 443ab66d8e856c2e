"""Short forms of division names: the name without its generic suffix (湘潭县 → 湘潭, 花石镇 → 花石).

Reports often write a place without its suffix ("湖南湘潭", "湘乡政务"), and a division renamed from 镇 to
街道 or from 县 to 区 keeps its stem, so the short form is the key for those matches.
"""

from __future__ import annotations

# Longest first: "自治县" must be tried before "县".
_SUFFIXES = {
    "province": ("自治区", "省", "市"),
    "city": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "特区", "林区", "县", "区", "市", "旗"),
    "township": ("街道办事处", "街道", "民族乡", "民族镇", "民族苏木", "苏木", "办事处", "地区", "镇", "乡"),
}
# Ethnic names that sit between a place and 自治X / 乡 (长阳土家族自治县, 长哨营满族乡). One-character
# names are stripped only with 族 (回族), so a place's own last character is never taken for one.
_ETHNIC = sorted(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 "
    "保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各".split(),
    key=len,
    reverse=True,
)
# A short form must still name a place: one character (城区 → 城) does not.
MIN_SHORT = 2


def _ethnic_tail(stem: str, with_zu_only: bool) -> str | None:
    if with_zu_only and not stem.endswith("族"):
        return None  # every tail then ends in 族: most of the 40,000 township names stop here
    for e in _ETHNIC:
        tails = (e + "族",) if with_zu_only or len(e) == 1 else (e + "族", e)
        for tail in tails:
            if stem.endswith(tail) and len(stem) - len(tail) >= MIN_SHORT:
                return tail
    return None


def _strip_ethnic(stem: str, with_zu_only: bool) -> str:
    # 积石山保安族东乡族撒拉族 → 积石山: strip one ethnic name at a time from the end
    while tail := _ethnic_tail(stem, with_zu_only):
        stem = stem[: -len(tail)]
    # 东乡族自治县 / 鄂温克族自治旗: the ethnic name is the place name itself; drop only 族
    return stem[:-1] if stem.endswith("族") and len(stem) > MIN_SHORT else stem


def short_name(name: str, level: str) -> str | None:
    """The name without its generic suffix (and ethnic qualifiers), or None if nothing sensible is left."""
    for suffix in _SUFFIXES[level]:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):  # 锡伯自治县, 蒙古自治州: the ethnic name may lack 族
                stem = _strip_ethnic(stem, with_zu_only=False)
            elif level == "township":  # 长哨营满族乡: ethnic townships always write 族
                stem = _strip_ethnic(stem, with_zu_only=True)
            return stem if len(stem) >= MIN_SHORT and stem != name else None
    return None
