"""The prose around the tables: title, opening, 一 总体情况, 五 问题, 六 其他, period statement, signature.

Sentences are drawn from pools written after the seed reports and the real corpus. The text names the unit's
parents the way real reports do ("按照省、湘潭市、湘潭县有关要求"), states the statistical period, and, as
many reports do, repeats one number of table 三 ("共收到政府信息公开申请3件", the table's own 总计 of row 一).
No narrative line sits inside a table section, so no stray number reaches a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bench.generator.rng import FastRandom
from bench.generator.units import Unit, parents_phrase

TITLE_FORMS = (
    "{unit}{year}年政府信息公开工作年度报告",
    "{unit}{year}年政府信息公开工作年度报告",
    "{unit}{year}年度政府信息公开工作年度报告",
    "{year}年{unit}政府信息公开工作年度报告",
    "{year}年度{unit}政府信息公开工作年度报告",
    "{unit} {year} 年政府信息公开工作年度报告",
)
_NOTICE = {
    "2019": "国办公开办函〔2019〕60号",
    "2021": "国办公开办函〔2021〕30号",
}
INTROS = (
    "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（{notice}）要求编制。",
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，现公布{unit}{year}年度政府信息公开工作年度报告。报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分组成。",
    "本年度报告根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发<中华人民共和国政府信息公开工作年度报告格式>的通知》（{notice}）相关要求编制。",
)  # fmt: skip
PERIODS = (
    "本报告所列数据的统计期限为{y}年1月1日至{y}年12月31日。",
    "本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
    "报告中所列数据统计期限为{y}年1月1日至12月31日。",
    "本年度报告中使用数据统计期限为{y}年1月1日至{y}年12月31日。",
)
OVERALL_OPEN = (
    "{year}年，{short}政府信息公开工作在上级主管部门的正确领导下，按照{parents}有关要求，加强领导，精心实施，在完善政府信息公开制度、建立健全政府信息公开保障机制、规范梳理政府信息公开目录和指南等方面有较大进展，取得了较好的效果。",
    "{year}年，{short}认真贯彻落实{parents}关于政府信息公开工作的各项文件及会议精神，以“推行透明政务、打造阳光政府”为目标，以保障群众的知情权、参与权和监督权为出发点，扎实推进政府信息公开工作。",
    "{year}年以来，{short}以习近平新时代中国特色社会主义思想为指导，按照{parents}政务公开工作部署，紧紧围绕中心工作和人民群众关注关切，全面推进决策、执行、管理、服务、结果公开。",
    "{year}年，{short}坚持以公开为常态、不公开为例外，认真落实{parents}关于政务公开的工作要求，持续提升政务公开质效。",
)  # fmt: skip
SUBHEADS = (
    "（一）主动公开",
    "（二）依申请公开",
    "（三）政府信息管理",
    "（四）政府信息公开平台建设",
    "（五）监督保障",
)
_SUBHEADS_ASCII = tuple(x.replace("（", "(").replace("）", ")") for x in SUBHEADS)
ACTIVE = (
    "坚持“应公开尽公开”的原则，{year}年度通过政府网站公开发布信息{n_pub}条，切实保障了群众的知情权、参与权和监督权。",
    "全年通过门户网站主动公开政府信息{n_pub}条，涵盖机构职能、政策文件、财政资金、重点领域等内容。",
    "以重点领域信息公开为抓手，聚焦重大项目建设、民生保障、财政预决算等内容，全年主动公开各类信息{n_pub}条。",
)  # fmt: skip
REQUESTS = (
    "严格按照《条例》要求，规范依申请公开办理流程，{year}年共收到政府信息公开申请{n_app}件，均在法定期限内答复。",
    "持续强化服务理念，畅通申请渠道，全年共受理政府信息公开申请{n_app}件。",
    "坚持完善依申请公开制度，优化和规范内部办理流程，本年度新收政府信息公开申请{n_app}件。",
)  # fmt: skip
NO_REQUESTS = (
    "坚持完善依申请公开制度，优化和规范内部办理流程，畅通申请渠道，{year}年度未收到政府信息公开申请。",
    "严格按照《条例》要求做好依申请公开工作，全年未收到依申请公开事项。",
)  # fmt: skip
MANAGE = (
    "一是加强组织保障，建立健全政府信息管理工作机制；二是严格落实信息发布“三审”制度，对敏感信息进行脱敏处理，防止发生泄密问题；三是及时调整更新公开目录，确保信息内容全面、权威、准确。",
    "严格执行保密审查制度，坚持“先审查、后公开”和“谁公开、谁审查、谁负责”的原则，确保公开信息不涉密、涉密信息不公开。",
)  # fmt: skip
PLATFORM = (
    "充分发挥政府网站第一平台作用，及时更新栏目内容，同时利用微信公众号、公开栏等渠道拓宽公开范围，提高信息传播率和到达率。",
    "标准化、规范化建设便民服务大厅政务公开专区，完善政府信息查询、办事服务咨询等综合服务窗口。",
)  # fmt: skip
SUPERVISE = (
    "建立和落实政府信息公开责任制，按照“谁主管、谁负责”的原则，落实责任到人，把政务公开纳入年度目标考核，定期开展自查整改。",
    "严格落实政务公开监督保障机制，认真整改上级监督检查反馈问题，通过举报电话、监督信箱等形式畅通群众监督渠道。",
)  # fmt: skip
PROBLEMS = (
    "{year}年，{short}政府信息公开工作取得了一定成效，但仍存在一些不足：一是信息公开的主动性和及时性有待加强；二是公开内容的深度和广度还需拓展；三是工作人员业务水平有待提高。",
    "政府信息公开工作有序推进，但还存在一定问题：一是宣传力度有待加强，群众对政府信息公开工作了解不多；二是个别栏目更新不够及时。",
)  # fmt: skip
IMPROVE = (
    "下一步，{short}将严格按照上级决策部署，全面落实有关要求，加强信息发布的及时性、准确性，及时完善各类栏目内容，力争有效提升政务公开工作质量。",
    "在今后工作中，将坚持问题导向，进一步健全和完善政府信息公开制度，加强业务培训，规范公开内容，提高公开质量。",
)  # fmt: skip
OTHER = (
    "无。",
    "无",
    "本年度未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》，本年度未收取信息处理费。",
)
PDF_FURNITURE = ("- {p} -", "第 {p} 页", "— {p} —")


@dataclass(slots=True)
class Headings:
    t2: str
    t3: str
    t4: str
    t5: str
    t6: str
    t1: str = "一、总体情况"


_T4_HEADS = ("四、政府信息公开行政复议、行政诉讼情况",) * 3 + (
    "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
)
_T5_HEADS = ("五、存在的主要问题及改进情况",) * 3 + ("五、政府信息公开工作存在的主要问题及改进情况",)
_HEADINGS = {
    (t4, t5): Headings(
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", t4, t5, "六、其他需要报告的事项"
    )
    for t4 in set(_T4_HEADS)
    for t5 in set(_T5_HEADS)
}


def headings(rng: FastRandom, fullwidth: bool) -> Headings:
    return _HEADINGS[rng.choice(_T4_HEADS), rng.choice(_T5_HEADS)]


@dataclass(slots=True)
class Narrative:
    title: str
    intro: tuple[str, ...]  # paragraphs before 一
    overall: tuple[str, ...]  # paragraphs of 一 (sub-headings included as their own paragraphs)
    problems: tuple[str, ...]  # of 五
    other: tuple[str, ...]  # of 六
    signature: str
    date_line: str
    heads: Headings
    published_on: date
    period: tuple[date, date]


def draw_narrative(
    rng: FastRandom, unit: Unit, year: int, edition: str, n_app: int, fullwidth: bool
) -> Narrative:
    y = str(year)
    choice = rng.choice
    title = choice(TITLE_FORMS).format(unit=unit.title_name, year=y)
    fields = {
        "year": y,
        "short": unit.short,
        "unit": unit.title_name,
        "parents": parents_phrase(unit),
        "notice": _NOTICE[edition],
        "n_pub": rng.randint(3, 400),
        "n_app": n_app,
    }
    intro = [choice(INTROS).format_map(fields), choice(PERIODS).format(y=y)]
    if rng.random() < 0.3:
        intro.reverse()
    requests = choice(REQUESTS if n_app else NO_REQUESTS).format_map(fields)
    body = (
        choice(ACTIVE).format_map(fields),
        requests,
        choice(MANAGE),
        choice(PLATFORM),
        choice(SUPERVISE),
    )
    overall = [choice(OVERALL_OPEN).format_map(fields)]
    if rng.random() < 0.6:
        subheads = SUBHEADS if fullwidth else _SUBHEADS_ASCII
        for sub, text in zip(subheads, body, strict=True):
            overall += (sub, text)
    else:
        overall += body
    problems = (choice(PROBLEMS).format_map(fields), choice(IMPROVE).format_map(fields))
    published = date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    if rng.random() < 0.7:
        date_line = f"{published.year}年{published.month}月{published.day}日"
    else:
        date_line = f"{published.year}年{published.month:02d}月{published.day:02d}日"
    return Narrative(
        title=title,
        intro=tuple(intro),
        overall=tuple(overall),
        problems=problems,
        other=(choice(OTHER),),
        signature=unit.signature,
        date_line=date_line,
        heads=headings(rng, fullwidth),
        published_on=published,
        period=(date(year, 1, 1), date(year, 12, 31)),
    )
