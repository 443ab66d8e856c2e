"""Issuing units drawn from the packaged gazetteer, with the division codes the resolver should find.

A report names its unit in the title ("花石镇人民政府", "湘乡市司法局"), its parents in the text the way real
reports do ("按照省、湘潭市、湘潭县有关要求") and its full name in the signature ("湘潭县花石镇人民政府"), so
pipeline.units.resolve_unit has what a person would use. The expected codes are the gazetteer's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from bench.generator.rng import FastRandom, cumulative
from pipeline.units.gazetteer import Division, load_gazetteer

# County-level departments (the name follows the county: 唐河县司法局) and city-level ones.
COUNTY_DEPARTMENTS = (
    "司法局", "统计局", "财政局", "自然资源局", "交通运输局", "农业农村局", "市场监督管理局", "教育局",
    "卫生健康局", "人力资源和社会保障局", "住房和城乡建设局", "应急管理局", "民政局", "审计局", "林业局",
    "水利局", "文化和旅游局", "商务局", "医疗保障局", "退役军人事务局", "政务服务和大数据管理局",
    "人民政府办公室", "发展和改革局", "公安局", "信访局",
)  # fmt: skip
CITY_DEPARTMENTS = (
    "统计局", "司法局", "财政局", "生态环境局", "交通运输局", "商务局", "自然资源和规划局", "教育局",
    "卫生健康委员会", "人民政府办公室", "市场监督管理局", "住房和城乡建设局", "审计局", "林业和草原局",
)  # fmt: skip

# level → weight
LEVEL_WEIGHTS = (("township", 45), ("county", 12), ("department", 30), ("city", 4), ("city_department", 9))
_LEVELS = tuple(lv for lv, _ in LEVEL_WEIGHTS)
_LEVEL_CUM = cumulative(w for _, w in LEVEL_WEIGHTS)


@dataclass(slots=True)
class Unit:
    level: str  # township | county | city | department (as pipeline.units reports it)
    title_name: str  # the name as the title writes it (what the parser should return as unit_name)
    short: str  # how the narrative calls it ("花石镇", "我局")
    signature: str  # the full name in the signature block
    parents: tuple[str, ...]  # parent place names, nearest last ("湘潭市", "湘潭县")
    province: str  # the province's name ("湖南省")
    division_code: str  # the unit's division (a department: its government's)
    county_code: str  # "" when the unit is above county level
    city_code: str
    province_code: str


@dataclass(frozen=True)
class Pools:
    townships: tuple[Division, ...]
    counties: tuple[Division, ...]
    cities: tuple[Division, ...]


@cache
def pools() -> Pools:
    gaz = load_gazetteer()
    townships, counties, cities = [], [], []
    for d in gaz.divisions.values():
        if d.placeholder:
            continue
        if d.level == "township" and d.name.endswith(("镇", "乡", "街道")) and len(d.name) >= 3:
            # "（工业园区）城南街道": a gazetteer note in the name, never written so in a report
            if "（" not in d.name and "(" not in d.name:
                townships.append(d)
        elif d.level == "county" and d.name.endswith(("县", "区", "市", "旗")) and len(d.name) >= 2:
            # a county row that only repeats its city's name (东莞市 441900, 嘉峪关市 620201) is the city
            # itself (Gazetteer.prefer_cities): not drawn as a county
            city = gaz.divisions.get(d.city_code or "")
            if city is None or city.name != d.name:
                counties.append(d)
        elif d.level == "city" and d.name.endswith(("市", "州")):
            cities.append(d)
    return Pools(tuple(townships), tuple(counties), tuple(cities))


def _chain(d: Division) -> tuple[tuple[str, ...], str]:
    return _chain_of(d.code)


def _chain_of(code: str) -> tuple[tuple[str, ...], str]:
    """(parent names below the province, nearest last; the province's name). Placeholder cities (市辖区,
    省直辖县级行政区划) are not places: left out, as Gazetteer.ancestors does."""
    divisions = load_gazetteer().divisions
    d = divisions[code]
    below = []
    for parent in (d.city_code, d.county_code):
        if parent and parent != code and not divisions[parent].placeholder:
            below.append(divisions[parent].name)
    return tuple(below), divisions[d.province_code].name


def draw_unit(rng: FastRandom) -> Unit:
    p = pools()
    level = rng.weighted(_LEVELS, _LEVEL_CUM)
    if level == "township":
        d = rng.choice(p.townships)
        parents, province = _chain(d)
        county = parents[-1] if parents else ""
        gov = "办事处" if d.name.endswith("街道") else "人民政府"
        title = rng.choice((d.name + gov, d.name + gov, d.name)) if gov == "人民政府" else d.name + gov
        return Unit("township", title, d.name, county + d.name + gov, parents, province, d.code,
                    d.county_code or "", d.city_code or "", d.province_code)  # fmt: skip
    if level in ("county", "department"):
        d = rng.choice(p.counties)
        parents, province = _chain(d)
        if level == "county":
            title = rng.choice((d.name + "人民政府", d.name + "人民政府", d.name))
            return Unit("county", title, d.name, d.name + "人民政府", parents, province,
                        d.code, d.code, d.city_code or "", d.province_code)  # fmt: skip
        dept = rng.choice(COUNTY_DEPARTMENTS)
        name = d.name + dept
        return Unit("department", name, "我" + dept[-1] if dept[-1] in "局委" else "我办", name, parents,
                    province, d.code, d.code, d.city_code or "", d.province_code)  # fmt: skip
    d = rng.choice(p.cities)
    parents, province = _chain(d)
    if level == "city":
        title = rng.choice((d.name + "人民政府", d.name + "人民政府办公室"))
        if title.endswith("办公室"):  # the city government's office: a department placed at the city
            return Unit("department", title, "我办", title, parents, province, d.code, "", d.code,
                        d.province_code)  # fmt: skip
        return Unit("city", title, d.name, title, parents, province, d.code, "", d.code, d.province_code)
    dept = rng.choice(CITY_DEPARTMENTS)
    name = d.name + dept
    return Unit("department", name, "我" + dept[-1] if dept[-1] in "局委" else "我办", name, parents,
                province, d.code, "", d.code, d.province_code)  # fmt: skip


def parents_phrase(u: Unit) -> str:
    """ "省、湘潭市、湘潭县" as in "按照省、湘潭市、湘潭县有关要求": the province by its kind, the rest by name."""
    if u.province.endswith("市"):  # 北京市, 上海市…: the province-level city is named
        head = u.province
    else:
        head = "省" if u.province.endswith("省") else "自治区"
    parts = [head, *u.parents]
    return "、".join(parts)
