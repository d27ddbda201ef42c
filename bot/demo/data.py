"""Sample county for the offline demo (`python -m bot demo`).

Pure data, no database code: the demo command turns these records into units, people,
tasks, milestones, progress reports and extension requests in a local database, then
prints a status summary and tomorrow's digests.

The tasks come from a county head's speech at a work-promotion meeting (县政府工作推进会):
招商引资 (亿元 / 千万元以上项目), 重点项目“五个一”, 四城同创 and the 11341 工程,
乡村振兴 (农村改厕, 街巷硬化), 脱贫攻坚挂牌督战, 大气污染防治 (PM2.5 ≤ 55 μg/m³),
十件民生实事, “十四五”规划编制, 安全生产隐患排查, 法治政府 100 项指标 and
“7+1”联动监督. All names and phone numbers are invented.

Conventions:
- Every date is relative to the demo's "today": `due_in_days` is the deadline in days
  from today (negative = already past, so an open task with a negative value is overdue);
  `last_report_days_ago` says how long ago the unit last reported (None = never).
- `DemoTask.lead_unit` and `cooperating_units` name `DemoUnit`s; `lead_leader` names a
  `DemoPerson` with role "leader"; members name their unit in `DemoPerson.unit`.
- `state` is "open" (推进中), "reported_done" (已报完成, awaiting verification) or
  "verified" (已销号); the last two always have `percent == 100`.
- On a few open tasks: `returned_reason` means the unit reported the task done and the
  supervisors returned it (退回) with that reason; `extension_days` / `extension_reason`
  is a pending extension request (申请延期) proposing the deadline plus that many days;
  `needs_help` means the last report asked for coordination (需协调).
- Milestones (节点, 倒排工期) are due on or before their task's deadline.

The mix shows every state and traffic light: about ten overdue (red) open tasks, eight
due within three days (yellow), the rest of the open tasks green, eight reported done,
eight verified; some units lag clearly (东关镇, 县住建局, 西河镇) and several are clean.
`check_demo_data()` asserts that the records are consistent.
"""

import re
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoUnit:
    name: str
    kind: str  # "township" | "department"


@dataclass(frozen=True)
class DemoPerson:
    name: str
    role: str  # "supervisor" | "leader" | "member"
    unit: str | None  # unit name for members, None otherwise
    phone: str
    title: str  # e.g. "县长", "副县长", "督查室主任", "党委副书记", "办公室主任"


@dataclass(frozen=True)
class DemoMilestone:
    title: str
    due_in_days: int  # relative to the demo's "today"; negative = in the past


@dataclass(frozen=True)
class DemoTask:
    title: str  # short, like a ledger row: "引进亿元以上项目3个"
    lead_unit: str
    cooperating_units: tuple[str, ...]
    lead_leader: str  # a DemoPerson name with role "leader"
    source: str  # e.g. "县政府工作推进会", "县长批示", "县政办发〔2026〕12号"
    details: str  # one or two sentences of what is required, with the measurable target
    due_in_days: int  # deadline relative to today; negative = overdue
    state: str  # "open" | "reported_done" | "verified"
    percent: int  # 0..100
    last_report_days_ago: int | None  # None = never reported
    last_report: str | None  # the unit's last progress text
    milestones: tuple[DemoMilestone, ...] = ()
    returned_reason: str | None = None  # reported done, then returned by the supervisors
    extension_days: int | None = None  # pending extension request: deadline + this many days
    extension_reason: str | None = None
    needs_help: bool = False  # the last report asked for coordination (需协调)


# --- units (责任单位) ---------------------------------------------------------------

_TOWNSHIPS = ("城关镇", "东关镇", "西河镇", "南湖乡", "北山镇", "柳林镇")

DEMO_UNITS: tuple[DemoUnit, ...] = (
    *(DemoUnit(name, "township") for name in _TOWNSHIPS),
    DemoUnit("县发改局", "department"),
    DemoUnit("县商务局", "department"),
    DemoUnit("县住建局", "department"),
    DemoUnit("县生态环境局", "department"),
    DemoUnit("县农业农村局", "department"),
    DemoUnit("县乡村振兴局", "department"),
    DemoUnit("县应急管理局", "department"),
    DemoUnit("县司法局", "department"),
    DemoUnit("县纪委监委", "department"),
    DemoUnit("县财政局", "department"),
    DemoUnit("县卫健委", "department"),
    DemoUnit("县市场监管局", "department"),
    DemoUnit("县自然资源局", "department"),
    DemoUnit("县交通运输局", "department"),
    DemoUnit("县教育局", "department"),
)

# --- people -----------------------------------------------------------------------

DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    # 督查室
    DemoPerson("周明", "supervisor", None, "13525071936", "督查室主任"),
    DemoPerson("吴静", "supervisor", None, "15837062419", "督查室副主任"),
    DemoPerson("郑浩", "supervisor", None, "18837061573", "督查室科员"),
    # 县领导 (包联领导)
    DemoPerson("王建国", "leader", None, "13903780126", "县长"),
    DemoPerson("李志强", "leader", None, "13837800215", "常务副县长"),
    DemoPerson("张丽华", "leader", None, "13938051736", "副县长"),
    DemoPerson("刘德明", "leader", None, "15803781628", "副县长"),
    DemoPerson("陈晓东", "leader", None, "18903782947", "副县长"),
    DemoPerson("赵文斌", "leader", None, "13673058812", "副县长"),
    # 乡镇联络员
    DemoPerson("马俊峰", "member", "城关镇", "13837260118", "党委副书记"),
    DemoPerson("黄晓燕", "member", "城关镇", "15903781236", "党政办主任"),
    DemoPerson("郭志伟", "member", "东关镇", "13903784452", "党委副书记"),
    DemoPerson("何永刚", "member", "西河镇", "13783912047", "副镇长"),
    DemoPerson("罗佳", "member", "西河镇", "18603786629", "党政办主任"),
    DemoPerson("高庆林", "member", "南湖乡", "15837804413", "党委副书记"),
    DemoPerson("梁红梅", "member", "北山镇", "13569431875", "党政办主任"),
    DemoPerson("宋振华", "member", "北山镇", "18837217790", "党委副书记"),
    DemoPerson("韩晓磊", "member", "柳林镇", "15225069318", "党委副书记"),
    # 县直部门联络员
    DemoPerson("唐宏伟", "member", "县发改局", "13937845021", "副局长"),
    DemoPerson("冯雪", "member", "县发改局", "18237061184", "办公室主任"),
    DemoPerson("许立新", "member", "县商务局", "13598217463", "副局长"),
    DemoPerson("邓建军", "member", "县住建局", "15938702256", "副局长"),
    DemoPerson("曹宇", "member", "县住建局", "13523679041", "办公室主任"),
    DemoPerson("彭志刚", "member", "县生态环境局", "18539061725", "副局长"),
    DemoPerson("曾庆丰", "member", "县农业农村局", "13629853107", "副局长"),
    DemoPerson("萧燕", "member", "县农业农村局", "15136782490", "办公室主任"),
    DemoPerson("田国庆", "member", "县乡村振兴局", "18790432618", "副局长"),
    DemoPerson("董继明", "member", "县应急管理局", "13703781592", "副局长"),
    DemoPerson("潘丽", "member", "县应急管理局", "15093417268", "综合股股长"),
    DemoPerson("袁明", "member", "县司法局", "13838415706", "办公室主任"),
    DemoPerson("蒋文涛", "member", "县纪委监委", "18638207415", "党风政风监督室主任"),
    DemoPerson("蔡晓峰", "member", "县财政局", "13949318652", "副局长"),
    DemoPerson("余红霞", "member", "县卫健委", "15890371249", "副主任"),
    DemoPerson("杜鹏", "member", "县卫健委", "18203781035", "办公室主任"),
    DemoPerson("叶建新", "member", "县市场监管局", "13461097823", "副局长"),
    DemoPerson("程海波", "member", "县自然资源局", "15517380964", "副局长"),
    DemoPerson("苏卫东", "member", "县交通运输局", "18937062851", "副局长"),
    DemoPerson("魏春梅", "member", "县教育局", "13782140597", "办公室主任"),
)

# --- tasks (督办事项) ---------------------------------------------------------------

_MEETING = "县政府工作推进会"
_DOC = "县政办发〔2026〕12号"

DEMO_TASKS: tuple[DemoTask, ...] = (
    # ---- 招商引资 ----
    DemoTask(
        title="引进亿元以上项目2个",
        lead_unit="城关镇",
        cooperating_units=("县商务局",),
        lead_leader="王建国",
        source=_MEETING,
        details=(
            "年内引进并签约投资亿元以上项目不少于2个，其中至少1个当年开工，资金到位率不低于30%。"
        ),
        due_in_days=150,
        state="open",
        percent=50,
        last_report_days_ago=4,
        last_report="已签约新能源电池配套项目1个（总投资1.6亿元），第二个项目正在进行第三轮洽谈。",
        milestones=(
            DemoMilestone("签约第1个亿元以上项目", -20),
            DemoMilestone("签约第2个亿元以上项目", 60),
            DemoMilestone("至少1个项目开工", 120),
        ),
    ),
    DemoTask(
        title="引进亿元以上项目1个",
        lead_unit="东关镇",
        cooperating_units=("县商务局",),
        lead_leader="王建国",
        source=_MEETING,
        details="上半年签约亿元以上项目不少于1个，并完成项目注册和用地预审。",
        due_in_days=-12,
        state="open",
        percent=40,
        last_report_days_ago=9,
        last_report="与意向企业已开展两轮洽谈，企业对土地价格仍有顾虑，尚未签约。",
    ),
    DemoTask(
        title="引进千万元以上项目3个",
        lead_unit="西河镇",
        cooperating_units=("县商务局",),
        lead_leader="王建国",
        source=_MEETING,
        details="一季度引进投资千万元以上项目不少于3个，报送签约合同及注册材料。",
        due_in_days=-5,
        state="open",
        percent=67,
        last_report_days_ago=3,
        last_report="已签约2个（农产品冷链仓储、服装加工），第3个项目合同文本正在审核。",
    ),
    DemoTask(
        title="引进千万元以上项目3个",
        lead_unit="南湖乡",
        cooperating_units=("县商务局",),
        lead_leader="王建国",
        source=_MEETING,
        details="年内引进投资千万元以上项目不少于3个，按月报送签约、注册、开工情况。",
        due_in_days=120,
        state="open",
        percent=35,
        last_report_days_ago=6,
        last_report="已签约生态农业观光项目1个，正在对接2家食品加工企业。",
    ),
    DemoTask(
        title="引进亿元以上项目1个",
        lead_unit="北山镇",
        cooperating_units=("县商务局", "县自然资源局"),
        lead_leader="王建国",
        source=_MEETING,
        details="年内签约亿元以上项目不少于1个，完成项目注册并落实建设用地。",
        due_in_days=30,
        state="reported_done",
        percent=100,
        last_report_days_ago=2,
        last_report="石材精深加工项目（总投资1.2亿元）已签约并完成注册，合同及营业执照已上传。",
    ),
    DemoTask(
        title="引进千万元以上项目4个",
        lead_unit="柳林镇",
        cooperating_units=("县商务局",),
        lead_leader="王建国",
        source=_MEETING,
        details="上半年引进投资千万元以上项目不少于4个，全部完成工商注册。",
        due_in_days=2,
        state="open",
        percent=90,
        last_report_days_ago=1,
        last_report="已签约4个，其中1个项目注册手续本周办结，办结后即报完成。",
    ),
    DemoTask(
        title="招商引资到位资金20亿元",
        lead_unit="县商务局",
        cooperating_units=_TOWNSHIPS,
        lead_leader="王建国",
        source=_DOC,
        details="全年实际到位省外资金20亿元，按季度分解到各乡镇，季度末通报进度。",
        due_in_days=200,
        state="open",
        percent=32,
        last_report_days_ago=5,
        last_report="截至上月底累计到位资金6.4亿元，完成年度目标的32%。",
        milestones=(
            DemoMilestone("一季度到位4亿元", -30),
            DemoMilestone("上半年到位10亿元", 50),
            DemoMilestone("前三季度到位15亿元", 140),
        ),
    ),
    DemoTask(
        title="举办重点产业招商推介会2场",
        lead_unit="县商务局",
        cooperating_units=("县发改局",),
        lead_leader="王建国",
        source=_MEETING,
        details="围绕新材料、食品加工两大产业链各举办专题招商推介会1场，现场签约项目不少于5个。",
        due_in_days=-10,
        state="verified",
        percent=100,
        last_report_days_ago=18,
        last_report="两场推介会均已举办，现场签约项目7个，签约总额23.5亿元。",
    ),
    DemoTask(
        title="外贸进出口总额增长10%",
        lead_unit="县商务局",
        cooperating_units=("县发改局",),
        lead_leader="王建国",
        source=_DOC,
        details="全年外贸进出口总额同比增长10%以上，新增有进出口实绩企业5家。",
        due_in_days=200,
        state="open",
        percent=35,
        last_report_days_ago=5,
        last_report="1至4月外贸进出口总额4.3亿元，同比增长8.6%，新增实绩企业2家。",
    ),
    # ---- 重点项目“五个一” ----
    DemoTask(
        title="重点项目落实“五个一”推进机制",
        lead_unit="县发改局",
        cooperating_units=("县财政局", "县自然资源局", "县住建局"),
        lead_leader="李志强",
        source=_MEETING,
        details=(
            "全县42个重点项目全部落实一个项目、一名领导、一个专班、一套方案、一抓到底，"
            "建立项目台账并挂图作战。"
        ),
        due_in_days=-25,
        state="verified",
        percent=100,
        last_report_days_ago=30,
        last_report="42个重点项目包联领导、工作专班、推进方案已全部明确，台账已报县政府。",
    ),
    DemoTask(
        title="重点项目上半年开工率达到80%",
        lead_unit="县发改局",
        cooperating_units=("县自然资源局", "县住建局"),
        lead_leader="李志强",
        source=_MEETING,
        details="全县42个重点项目上半年开工率不低于80%，新开工项目提供施工许可或开工报告。",
        due_in_days=20,
        state="reported_done",
        percent=100,
        last_report_days_ago=1,
        last_report="已开工34个，开工率81%，开工佐证材料已汇总上传。",
    ),
    DemoTask(
        title="重点项目用地报批12宗",
        lead_unit="县自然资源局",
        cooperating_units=("县发改局",),
        lead_leader="李志强",
        source="县政府常务会议",
        details="完成12宗重点项目建设用地组卷报批，保障项目按期开工。",
        due_in_days=3,
        state="open",
        percent=75,
        last_report_days_ago=2,
        last_report="已上报9宗，剩余3宗占补平衡指标不足，需县政府协调指标调剂。",
        needs_help=True,
    ),
    DemoTask(
        title="县城污水处理厂提标改造",
        lead_unit="县住建局",
        cooperating_units=("县生态环境局", "县财政局"),
        lead_leader="刘德明",
        source=_MEETING,
        details="污水处理厂出水水质由一级B提升至一级A标准，完成设备安装并通水调试。",
        due_in_days=-18,
        state="open",
        percent=70,
        last_report_days_ago=12,
        last_report="土建工程已完工，设备已到场，正在安装。",
        milestones=(
            DemoMilestone("完成土建施工", -60),
            DemoMilestone("设备安装完成", -30),
            DemoMilestone("通水调试达标", -18),
        ),
    ),
    DemoTask(
        title="县道X012改造提升18公里",
        lead_unit="县交通运输局",
        cooperating_units=("北山镇", "柳林镇"),
        lead_leader="刘德明",
        source=_MEETING,
        details="完成县道X012线18公里路面改造及安保工程，年底前建成通车。",
        due_in_days=180,
        state="open",
        percent=25,
        last_report_days_ago=6,
        last_report="路基工程已完成4.5公里，沿线2处桥涵正在施工。",
        milestones=(
            DemoMilestone("完成路基工程", 45),
            DemoMilestone("完成路面铺设", 130),
            DemoMilestone("交工验收", 175),
        ),
    ),
    DemoTask(
        title="产业园标准化厂房项目征地拆迁",
        lead_unit="城关镇",
        cooperating_units=("县自然资源局",),
        lead_leader="李志强",
        source="县长批示",
        details="完成产业集聚区标准化厂房项目326亩土地征收及23户房屋拆迁，按时净地交付。",
        due_in_days=-3,
        state="open",
        percent=85,
        last_report_days_ago=2,
        last_report="土地征收已完成，剩余2户对补偿标准有异议，需县里协调政策口径。",
        needs_help=True,
    ),
    # ---- 四城同创、11341工程 ----
    DemoTask(
        title="新增城市绿地30万平方米",
        lead_unit="县住建局",
        cooperating_units=("城关镇", "县自然资源局"),
        lead_leader="刘德明",
        source=_DOC,
        details=(
            "创建国家园林城市：年内新增城市绿地30万平方米，建成区绿地率达到35%以上，"
            "新建口袋公园8个。"
        ),
        due_in_days=190,
        state="open",
        percent=40,
        last_report_days_ago=5,
        last_report="已完成游园绿化12万平方米，口袋公园开工5个。",
        milestones=(
            DemoMilestone("口袋公园开工8个", 20),
            DemoMilestone("新增绿地20万平方米", 100),
            DemoMilestone("绿地率测评达标", 180),
        ),
    ),
    DemoTask(
        title="国家卫生城市复审迎检准备",
        lead_unit="县卫健委",
        cooperating_units=("城关镇", "县市场监管局", "县住建局"),
        lead_leader="赵文斌",
        source=_MEETING,
        details="对照国家卫生城市标准完成8大类问题整改，迎检档案资料全部归档。",
        due_in_days=2,
        state="open",
        percent=88,
        last_report_days_ago=1,
        last_report="8大类问题已整改7类，病媒生物防制档案正在补充完善。",
    ),
    DemoTask(
        title="创建国家食品安全示范城市",
        lead_unit="县市场监管局",
        cooperating_units=("县卫健委", "县农业农村局", "县教育局"),
        lead_leader="赵文斌",
        source=_MEETING,
        details="完成创建指标体系中52项任务，群众食品安全满意度达到80%以上。",
        due_in_days=160,
        state="open",
        percent=45,
        last_report_days_ago=3,
        last_report="52项指标已完成23项，校园食堂“明厨亮灶”覆盖率达到96%。",
        milestones=(
            DemoMilestone("完成自评自查", 40),
            DemoMilestone("完成问题整改", 100),
            DemoMilestone("迎接省级评估", 150),
        ),
    ),
    DemoTask(
        title="背街小巷环境整治46条",
        lead_unit="城关镇",
        cooperating_units=("县住建局",),
        lead_leader="刘德明",
        source=_MEETING,
        details=("对照全国文明城市测评标准，完成城区46条背街小巷路面修复、立面整治和杂物清理。"),
        due_in_days=-7,
        state="open",
        percent=95,
        last_report_days_ago=3,
        last_report="46条背街小巷已全部完成整治，整治照片已补充上传。",
        returned_reason="只有12条街巷有整治前后对比照片，其余34条缺少佐证材料，请补齐后再报。",
    ),
    DemoTask(
        title="11341工程年度任务分解落实",
        lead_unit="县发改局",
        cooperating_units=("县财政局", "县商务局"),
        lead_leader="王建国",
        source="县委常委会议",
        details="将11341工程年度目标逐项分解到责任单位，建立任务台账，每月调度一次进展。",
        due_in_days=25,
        state="open",
        percent=60,
        last_report_days_ago=5,
        last_report="年度任务已分解到28个责任单位，前两个月调度情况已形成专报。",
    ),
    DemoTask(
        title="集贸市场规范化改造",
        lead_unit="东关镇",
        cooperating_units=("县市场监管局",),
        lead_leader="赵文斌",
        source=_MEETING,
        details="完成东关集贸市场划行归市、排水改造和环境卫生整治，达到国家卫生城市标准。",
        due_in_days=-9,
        state="open",
        percent=0,
        last_report_days_ago=None,
        last_report=None,
    ),
    DemoTask(
        title="农贸市场食品快检室全覆盖",
        lead_unit="县市场监管局",
        cooperating_units=("城关镇", "东关镇", "西河镇"),
        lead_leader="赵文斌",
        source=_MEETING,
        details="全县14个农贸市场全部建成食品快检室并投入使用，每日公示快检结果。",
        due_in_days=12,
        state="reported_done",
        percent=100,
        last_report_days_ago=1,
        last_report="14个农贸市场快检室已全部建成运行，公示照片已上传。",
    ),
    # ---- 乡村振兴 ----
    DemoTask(
        title="完成农村户厕改造8000户",
        lead_unit="县农业农村局",
        cooperating_units=(*_TOWNSHIPS, "县乡村振兴局"),
        lead_leader="张丽华",
        source=_DOC,
        details="年内完成农村无害化户厕改造8000户，改厕后验收合格率达到100%。",
        due_in_days=170,
        state="open",
        percent=55,
        last_report_days_ago=3,
        last_report="已完成改厕4400户，正在组织第二批验收。",
        milestones=(
            DemoMilestone("完成4000户", -10),
            DemoMilestone("完成6500户", 80),
            DemoMilestone("全部完工并验收", 165),
        ),
    ),
    DemoTask(
        title="农村改厕1200户",
        lead_unit="东关镇",
        cooperating_units=("县农业农村局",),
        lead_leader="张丽华",
        source=_MEETING,
        details="6月底前完成1200户农村户厕改造，逐户建档并拍照留存。",
        due_in_days=-20,
        state="open",
        percent=35,
        last_report_days_ago=15,
        last_report="已完成420户，部分村施工队伍不足，进度滞后。",
        milestones=(
            DemoMilestone("完成600户", -50),
            DemoMilestone("完成1200户", -20),
        ),
    ),
    DemoTask(
        title="农村改厕900户",
        lead_unit="西河镇",
        cooperating_units=("县农业农村局",),
        lead_leader="张丽华",
        source=_MEETING,
        details="按期完成900户农村户厕改造，逐户建档并拍照留存。",
        due_in_days=3,
        state="open",
        percent=82,
        last_report_days_ago=2,
        last_report="已完成740户，剩余160户集中在两个村，已增派施工队伍。",
    ),
    DemoTask(
        title="村内街巷硬化率达到85%以上",
        lead_unit="南湖乡",
        cooperating_units=("县乡村振兴局",),
        lead_leader="张丽华",
        source=_MEETING,
        details="全乡行政村主要街巷硬化率不低于85%，硬化路面宽度不低于3.5米。",
        due_in_days=40,
        state="open",
        percent=90,
        last_report_days_ago=3,
        last_report="已完成硬化街巷62公里，按我乡口径硬化率达到86%。",
        returned_reason="按主次街巷总长统一口径测算硬化率为79%，未达到85%，请重新测算并补齐。",
    ),
    DemoTask(
        title="村内街巷硬化率达到85%以上",
        lead_unit="北山镇",
        cooperating_units=("县乡村振兴局",),
        lead_leader="张丽华",
        source=_MEETING,
        details="全镇行政村主要街巷硬化率不低于85%，硬化路面宽度不低于3.5米。",
        due_in_days=3,
        state="open",
        percent=70,
        last_report_days_ago=2,
        last_report="硬化率已达到73%，山区3个村受汛期影响无法施工。",
        extension_days=30,
        extension_reason="进入汛期，山区3个行政村道路无法运输砂石料，申请延期30天。",
    ),
    DemoTask(
        title="村内街巷硬化率达到85%以上",
        lead_unit="柳林镇",
        cooperating_units=("县乡村振兴局",),
        lead_leader="张丽华",
        source=_MEETING,
        details="全镇行政村主要街巷硬化率不低于85%，硬化路面宽度不低于3.5米。",
        due_in_days=-15,
        state="verified",
        percent=100,
        last_report_days_ago=20,
        last_report="全镇街巷硬化率达到88%，验收资料已报送。",
    ),
    DemoTask(
        title="创建乡村振兴示范村10个",
        lead_unit="县乡村振兴局",
        cooperating_units=("县农业农村局", "县财政局"),
        lead_leader="张丽华",
        source=_DOC,
        details="年内创建乡村振兴示范村10个，每个村完成产业、人居环境、乡风文明三项提升。",
        due_in_days=185,
        state="open",
        percent=30,
        last_report_days_ago=6,
        last_report="示范村名单已确定，10个村建设方案已审定，4个村已开工。",
    ),
    DemoTask(
        title="建设乡村振兴示范村2个",
        lead_unit="柳林镇",
        cooperating_units=("县乡村振兴局",),
        lead_leader="张丽华",
        source=_DOC,
        details="建成乡村振兴示范村2个，产业、人居环境、乡风文明三项指标全部达标。",
        due_in_days=150,
        state="open",
        percent=45,
        last_report_days_ago=4,
        last_report="2个示范村道路、游园工程已开工，特色种植产业项目正在招商。",
    ),
    DemoTask(
        title="建设高标准农田2万亩",
        lead_unit="县农业农村局",
        cooperating_units=("南湖乡", "西河镇", "县财政局"),
        lead_leader="张丽华",
        source=_DOC,
        details="建成高标准农田2万亩，田间道路、灌溉设施配套到位并通过县级验收。",
        due_in_days=15,
        state="reported_done",
        percent=100,
        last_report_days_ago=1,
        last_report="2万亩高标准农田已全部完工，已申请县级验收。",
    ),
    # ---- 脱贫攻坚挂牌督战 ----
    DemoTask(
        title="挂牌督战村问题整改清零",
        lead_unit="县乡村振兴局",
        cooperating_units=("东关镇", "西河镇", "北山镇"),
        lead_leader="张丽华",
        source="县委常委会议",
        details="5个挂牌督战村反馈的37个问题全部整改到位，逐项销号。",
        due_in_days=-2,
        state="open",
        percent=92,
        last_report_days_ago=1,
        last_report="37个问题已整改34个，剩余3个涉及危房改造验收，本周内完成。",
    ),
    DemoTask(
        title="防返贫动态监测全覆盖",
        lead_unit="西河镇",
        cooperating_units=("县乡村振兴局",),
        lead_leader="张丽华",
        source="县委常委会议",
        details=("对全镇脱贫户和监测户开展入户排查，“两不愁三保障”信息与系统数据一致率达到100%。"),
        due_in_days=-6,
        state="open",
        percent=95,
        last_report_days_ago=2,
        last_report="已完成全部入户排查并录入系统。",
        returned_reason="抽查20户中有4户收入数据与系统不一致，请逐户核实更正后再报。",
    ),
    DemoTask(
        title="控辍保学动态清零",
        lead_unit="县教育局",
        cooperating_units=("县乡村振兴局",),
        lead_leader="赵文斌",
        source="县委常委会议",
        details="脱贫家庭义务教育阶段适龄儿童少年无失学辍学，劝返复学情况逐人建档。",
        due_in_days=-8,
        state="verified",
        percent=100,
        last_report_days_ago=12,
        last_report="全县疑似辍学学生7人已全部劝返复学，逐人档案已归档。",
    ),
    DemoTask(
        title="脱贫人口家庭医生签约全覆盖",
        lead_unit="县卫健委",
        cooperating_units=("县乡村振兴局",),
        lead_leader="赵文斌",
        source="县委常委会议",
        details="全县脱贫人口家庭医生签约服务率达到100%，重点人群每季度随访一次。",
        due_in_days=10,
        state="reported_done",
        percent=100,
        last_report_days_ago=2,
        last_report="全县脱贫人口家庭医生签约率100%，签约花名册已上传。",
    ),
    # ---- 大气污染防治 ----
    DemoTask(
        title="PM2.5年均浓度不高于55微克/立方米",
        lead_unit="县生态环境局",
        cooperating_units=("县住建局", "县交通运输局", "县农业农村局"),
        lead_leader="陈晓东",
        source=_DOC,
        details=(
            "全年PM2.5平均浓度不高于55μg/m³，优良天数比例同比提高，按月通报各乡镇空气质量排名。"
        ),
        due_in_days=200,
        state="open",
        percent=45,
        last_report_days_ago=4,
        last_report="1至4月PM2.5累计均值61μg/m³，同比下降6.2%，仍高于年度目标。",
        milestones=(
            DemoMilestone("一季度均值不高于70μg/m³", -30),
            DemoMilestone("上半年累计均值不高于60μg/m³", 60),
            DemoMilestone("前三季度累计均值不高于55μg/m³", 150),
        ),
    ),
    DemoTask(
        title="建筑工地扬尘治理“六个百分之百”",
        lead_unit="县住建局",
        cooperating_units=("县生态环境局", "城关镇"),
        lead_leader="陈晓东",
        source="县长批示",
        details=(
            "全县在建工地全部落实围挡、覆盖、冲洗、硬化、湿法作业、密闭运输六个百分之百，"
            "并安装扬尘在线监测设备。"
        ),
        due_in_days=-4,
        state="open",
        percent=75,
        last_report_days_ago=3,
        last_report="在建工地31个，已有24个达标，7个工地在线监测设备尚未安装。",
    ),
    DemoTask(
        title="渣土车辆全部密闭运输",
        lead_unit="县交通运输局",
        cooperating_units=("县住建局", "县生态环境局"),
        lead_leader="陈晓东",
        source="县长批示",
        details="全县渣土运输车辆全部完成密闭改装并接入监控平台，违规车辆一律停运整改。",
        due_in_days=1,
        state="open",
        percent=90,
        last_report_days_ago=1,
        last_report="186辆渣土车已完成密闭改装181辆，其余5辆已停运整改。",
    ),
    DemoTask(
        title="秸秆禁烧“零火点”",
        lead_unit="北山镇",
        cooperating_units=("县农业农村局",),
        lead_leader="陈晓东",
        source=_MEETING,
        details="夏秋两季秸秆禁烧期间实现卫星遥感零火点，秸秆综合利用率达到92%以上。",
        due_in_days=120,
        state="open",
        percent=40,
        last_report_days_ago=5,
        last_report="已划定网格42个，落实网格员126名，夏收期间零火点。",
    ),
    DemoTask(
        title="散乱污企业动态清零",
        lead_unit="县生态环境局",
        cooperating_units=("城关镇", "东关镇"),
        lead_leader="陈晓东",
        source=_MEETING,
        details="排查出的散乱污企业全部完成关停取缔或整改提升，实现动态清零。",
        due_in_days=-14,
        state="verified",
        percent=100,
        last_report_days_ago=16,
        last_report="排查出的29家散乱污企业已全部关停取缔或整改提升，县级验收合格。",
    ),
    DemoTask(
        title="燃煤散烧清零",
        lead_unit="东关镇",
        cooperating_units=("县生态环境局",),
        lead_leader="陈晓东",
        source=_MEETING,
        details="全镇燃煤散烧全部清零，完成清洁取暖改造560户。",
        due_in_days=2,
        state="open",
        percent=70,
        last_report_days_ago=6,
        last_report="已完成清洁取暖改造392户，部分农户对电价补贴政策有疑问，正在逐户解释。",
    ),
    # ---- 十件民生实事 ----
    DemoTask(
        title="十件民生实事资金保障到位",
        lead_unit="县财政局",
        cooperating_units=("县发改局",),
        lead_leader="李志强",
        source=_DOC,
        details="十件民生实事县级配套资金3.2亿元按项目进度及时拨付，拨付率不低于序时进度。",
        due_in_days=180,
        state="open",
        percent=50,
        last_report_days_ago=5,
        last_report="已拨付县级配套资金1.6亿元，拨付进度与项目进度一致。",
    ),
    DemoTask(
        title="新建改扩建公办幼儿园3所",
        lead_unit="县教育局",
        cooperating_units=("县住建局", "县自然资源局"),
        lead_leader="赵文斌",
        source=_DOC,
        details="十件民生实事之一：新建改扩建公办幼儿园3所，新增学位810个，秋季开学前投入使用。",
        due_in_days=95,
        state="open",
        percent=55,
        last_report_days_ago=4,
        last_report="3所幼儿园主体均已封顶，正在进行室内装修。",
        milestones=(
            DemoMilestone("主体封顶", -5),
            DemoMilestone("装修及设备采购完成", 70),
            DemoMilestone("竣工验收", 90),
        ),
    ),
    DemoTask(
        title="乡镇卫生院服务能力提升",
        lead_unit="县卫健委",
        cooperating_units=("县财政局",),
        lead_leader="赵文斌",
        source=_DOC,
        details="十件民生实事之一：6个乡镇卫生院完成标准化改造，全部配备DR、彩超等基本设备。",
        due_in_days=140,
        state="open",
        percent=40,
        last_report_days_ago=6,
        last_report="4个乡镇卫生院改造已开工，设备采购已完成招标。",
    ),
    DemoTask(
        title="改造老旧小区12个",
        lead_unit="县住建局",
        cooperating_units=("城关镇", "县财政局"),
        lead_leader="刘德明",
        source=_DOC,
        details="十件民生实事之一：完成12个老旧小区水电气暖管网及外墙改造，惠及居民2860户。",
        due_in_days=14,
        state="open",
        percent=65,
        last_report_days_ago=2,
        last_report="已完工6个，在建4个，另有2个小区因居民意见未统一尚未开工。",
        milestones=(
            DemoMilestone("全部开工", -20),
            DemoMilestone("完工12个", 14),
        ),
        extension_days=45,
        extension_reason="2个小区居民对改造方案意见不一，需重新征求意见，申请延期45天。",
    ),
    DemoTask(
        title="城乡公交一体化新开线路5条",
        lead_unit="县交通运输局",
        cooperating_units=("南湖乡", "北山镇"),
        lead_leader="刘德明",
        source=_DOC,
        details="十件民生实事之一：新开城乡公交线路5条，实现具备条件的行政村通客车率100%。",
        due_in_days=6,
        state="reported_done",
        percent=100,
        last_report_days_ago=3,
        last_report="5条城乡公交线路已全部开通运行，行政村通客车率100%。",
    ),
    DemoTask(
        title="城区新增公共停车位1500个",
        lead_unit="城关镇",
        cooperating_units=("县住建局", "县自然资源局"),
        lead_leader="刘德明",
        source=_DOC,
        details="十件民生实事之一：利用边角地、闲置地新建改建公共停车场，新增公共停车位1500个。",
        due_in_days=130,
        state="open",
        percent=30,
        last_report_days_ago=5,
        last_report="已建成2处停车场、新增车位460个，另有3处正在选址。",
    ),
    # ---- “十四五”规划编制 ----
    DemoTask(
        title="完成“十四五”规划纲要编制",
        lead_unit="县发改局",
        cooperating_units=("县财政局", "县自然资源局"),
        lead_leader="李志强",
        source=_MEETING,
        details="完成县“十四五”规划纲要编制并按程序提交县人代会审议，同步做好专项规划衔接。",
        due_in_days=110,
        state="open",
        percent=45,
        last_report_days_ago=3,
        last_report="规划纲要初稿已形成，正在征求各乡镇和县直部门意见。",
        milestones=(
            DemoMilestone("完成初稿", -10),
            DemoMilestone("征求意见并修改", 40),
            DemoMilestone("专家论证", 70),
            DemoMilestone("提交县人代会审议", 105),
        ),
    ),
    DemoTask(
        title="国土空间总体规划成果报批",
        lead_unit="县自然资源局",
        cooperating_units=("县发改局",),
        lead_leader="李志强",
        source=_MEETING,
        details="完成县级国土空间总体规划编制并上报审批，与“十四五”规划纲要做好衔接。",
        due_in_days=20,
        state="open",
        percent=80,
        last_report_days_ago=4,
        last_report="规划成果已通过县规委会审议，正在按省厅反馈意见修改。",
        extension_days=60,
        extension_reason="省厅要求补充“三区三线”划定成果的衔接说明，需重新提交，申请延期60天。",
    ),
    # ---- 安全生产隐患排查 ----
    DemoTask(
        title="安全生产隐患大排查大整治",
        lead_unit="县应急管理局",
        cooperating_units=("县住建局", "县交通运输局", "县市场监管局"),
        lead_leader="陈晓东",
        source=_DOC,
        details="全县开展安全生产隐患大排查大整治，重大隐患挂牌督办，一般隐患整改率达到100%。",
        due_in_days=75,
        state="open",
        percent=50,
        last_report_days_ago=2,
        last_report="已排查企业1326家，发现一般隐患842处、已整改613处，重大隐患3处已挂牌督办。",
        milestones=(
            DemoMilestone("企业自查自改", -20),
            DemoMilestone("部门集中排查", 20),
            DemoMilestone("整改验收", 70),
        ),
    ),
    DemoTask(
        title="重大安全隐患挂牌督办整改销号",
        lead_unit="县应急管理局",
        cooperating_units=("县住建局", "县交通运输局"),
        lead_leader="陈晓东",
        source="县长批示",
        details="3处重大安全隐患按“五落实”要求限期整改，整改完成后组织专家验收销号。",
        due_in_days=2,
        state="open",
        percent=70,
        last_report_days_ago=1,
        last_report="2处已整改待验收，化工园区1处隐患涉及企业搬迁，需县政府协调搬迁资金。",
        needs_help=True,
    ),
    DemoTask(
        title="“九小场所”消防隐患排查整治",
        lead_unit="城关镇",
        cooperating_units=("县应急管理局",),
        lead_leader="陈晓东",
        source=_MEETING,
        details="对辖区“九小场所”逐家排查消防隐患，发现隐患全部整改到位并建立台账。",
        due_in_days=9,
        state="reported_done",
        percent=100,
        last_report_days_ago=1,
        last_report="已排查九小场所618家，发现隐患207处全部整改，台账已上传。",
    ),
    DemoTask(
        title="危化品和非煤矿山隐患整改",
        lead_unit="南湖乡",
        cooperating_units=("县应急管理局",),
        lead_leader="陈晓东",
        source=_MEETING,
        details="辖区加油站、采石场排查出的11处安全隐患全部整改到位，逐项拍照销号。",
        due_in_days=30,
        state="open",
        percent=60,
        last_report_days_ago=4,
        last_report="2家加油站、1处采石场的11处隐患已整改7处。",
    ),
    DemoTask(
        title="汛期地质灾害隐患点巡查",
        lead_unit="北山镇",
        cooperating_units=("县自然资源局",),
        lead_leader="陈晓东",
        source=_MEETING,
        details="全镇17处地质灾害隐患点逐一落实监测责任人，汛期每日巡查并建立台账。",
        due_in_days=60,
        state="open",
        percent=0,
        last_report_days_ago=None,
        last_report=None,
    ),
    DemoTask(
        title="道路交通安全隐患点整治",
        lead_unit="县交通运输局",
        cooperating_units=("县应急管理局",),
        lead_leader="陈晓东",
        source=_MEETING,
        details="排查出的46处道路交通安全隐患点全部完成整治，设置警示标志和防护设施。",
        due_in_days=-20,
        state="verified",
        percent=100,
        last_report_days_ago=25,
        last_report="全县46处道路交通安全隐患点已全部完成整治并通过验收。",
    ),
    # ---- 法治政府 ----
    DemoTask(
        title="法治政府建设100项指标达标",
        lead_unit="县司法局",
        cooperating_units=("县市场监管局", "县生态环境局"),
        lead_leader="李志强",
        source=_MEETING,
        details="对照法治政府建设100项指标逐项自查整改，年底前全部达标，迎接省级示范创建评估。",
        due_in_days=195,
        state="open",
        percent=38,
        last_report_days_ago=5,
        last_report="100项指标已完成自评，达标71项，其余29项正在整改。",
        milestones=(
            DemoMilestone("完成指标自评", -15),
            DemoMilestone("问题整改完成", 120),
            DemoMilestone("迎接省级评估", 190),
        ),
    ),
    DemoTask(
        title="行政规范性文件合法性审核全覆盖",
        lead_unit="县司法局",
        cooperating_units=(),
        lead_leader="李志强",
        source=_MEETING,
        details="县政府及部门出台的行政规范性文件100%经过合法性审核，并按规定报备。",
        due_in_days=-12,
        state="verified",
        percent=100,
        last_report_days_ago=14,
        last_report="今年以来出台的规范性文件17件全部经过合法性审核，备案审查率100%。",
    ),
    # ---- “7+1”联动监督 ----
    DemoTask(
        title="建立“7+1”联动监督机制",
        lead_unit="县纪委监委",
        cooperating_units=("县财政局", "县司法局"),
        lead_leader="王建国",
        source=_MEETING,
        details="整合各类监督力量，建立“7+1”联动监督机制，出台工作办法并实现问题线索共享。",
        due_in_days=45,
        state="open",
        percent=60,
        last_report_days_ago=6,
        last_report="联动监督工作办法已起草，正在征求各成员单位意见。",
    ),
    DemoTask(
        title="对重点项目推进开展专项监督",
        lead_unit="县纪委监委",
        cooperating_units=("县发改局",),
        lead_leader="王建国",
        source=_MEETING,
        details="运用“7+1”联动监督机制对42个重点项目推进情况开展专项监督，发现问题督促整改。",
        due_in_days=25,
        state="reported_done",
        percent=100,
        last_report_days_ago=2,
        last_report="已对42个重点项目开展专项监督检查，发现问题19个，已全部督促整改到位。",
    ),
    # ---- 其他 ----
    DemoTask(
        title="预算绩效管理全覆盖",
        lead_unit="县财政局",
        cooperating_units=(),
        lead_leader="李志强",
        source=_DOC,
        details="县级部门预算项目全部编报绩效目标，年度绩效自评覆盖率达到100%。",
        due_in_days=-5,
        state="verified",
        percent=100,
        last_report_days_ago=8,
        last_report="县级部门预算项目绩效目标编报率100%，绩效自评报告已全部报送。",
    ),
)


# --- self-check -------------------------------------------------------------------

_UNIT_KINDS = {"township", "department"}
_ROLES = {"supervisor", "leader", "member"}
_STATES = {"open", "reported_done", "verified"}
_PHONE = re.compile(r"1[358]\d{9}")


def check_demo_data() -> None:
    """Assert that the demo records are consistent with each other."""
    unit_names = [u.name for u in DEMO_UNITS]
    assert len(unit_names) == len(set(unit_names)), "duplicate unit names"
    units = set(unit_names)
    assert all(u.kind in _UNIT_KINDS for u in DEMO_UNITS), "bad unit kind"

    person_names = [p.name for p in DEMO_PEOPLE]
    assert len(person_names) == len(set(person_names)), "duplicate person names"
    phones = [p.phone for p in DEMO_PEOPLE]
    assert len(phones) == len(set(phones)), "duplicate phone numbers"
    for p in DEMO_PEOPLE:
        assert p.role in _ROLES, f"{p.name}: bad role {p.role}"
        assert _PHONE.fullmatch(p.phone), f"{p.name}: bad phone {p.phone}"
        assert p.title, f"{p.name}: no title"
        if p.role == "member":
            assert p.unit in units, f"{p.name}: unknown unit {p.unit}"
        else:
            assert p.unit is None, f"{p.name}: only members belong to a unit"
    members_per_unit = Counter(p.unit for p in DEMO_PEOPLE if p.role == "member")
    for name in units:
        assert 1 <= members_per_unit[name] <= 2, f"{name}: needs 1-2 members"
    leaders = {p.name for p in DEMO_PEOPLE if p.role == "leader"}

    keys = [(t.lead_unit, t.title) for t in DEMO_TASKS]
    assert len(keys) == len(set(keys)), "duplicate task (unit, title)"
    for t in DEMO_TASKS:
        where = f"{t.lead_unit} {t.title}"
        assert t.lead_unit in units, f"{where}: unknown lead unit"
        for u in t.cooperating_units:
            assert u in units, f"{where}: unknown cooperating unit {u}"
        assert t.lead_unit not in t.cooperating_units, f"{where}: lead unit also cooperates"
        assert len(t.cooperating_units) == len(set(t.cooperating_units)), where
        assert t.lead_leader in leaders, f"{where}: unknown leader {t.lead_leader}"
        assert t.title and t.source and t.details, f"{where}: empty field"
        assert t.state in _STATES, f"{where}: bad state {t.state}"
        assert 0 <= t.percent <= 100, f"{where}: percent out of range"
        if t.state == "open":
            assert t.percent < 100, f"{where}: open task at 100%"
        else:
            assert t.percent == 100, f"{where}: done task below 100%"
            assert t.last_report is not None, f"{where}: done without a report"
            assert t.returned_reason is None and t.extension_days is None, where
            assert not t.needs_help, where
        assert (t.last_report is None) == (t.last_report_days_ago is None), where
        if t.last_report_days_ago is None:
            assert t.percent == 0, f"{where}: progress without any report"
        else:
            assert t.last_report_days_ago >= 0, f"{where}: report in the future"
        assert (t.extension_days is None) == (t.extension_reason is None), where
        if t.extension_days is not None:
            assert t.extension_days > 0, f"{where}: extension must move the deadline later"
        for m in t.milestones:
            assert m.title, f"{where}: milestone without title"
            assert m.due_in_days <= t.due_in_days, f"{where}: milestone {m.title} after deadline"
        dues = [m.due_in_days for m in t.milestones]
        assert dues == sorted(dues), f"{where}: milestones out of order"


if __name__ == "__main__":
    check_demo_data()
    lights = Counter(
        ("red" if t.due_in_days < 0 else "yellow" if t.due_in_days <= 3 else "green")
        for t in DEMO_TASKS
        if t.state == "open"
    )
    states = Counter(t.state for t in DEMO_TASKS)
    print(f"{len(DEMO_UNITS)} units, {len(DEMO_PEOPLE)} people, {len(DEMO_TASKS)} tasks")
    print(dict(states), dict(lights))
