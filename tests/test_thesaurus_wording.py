"""Residents' everyday and north-eastern words read as the articles' official ones (``bot.thesaurus``).

Real chain over the seed index (no curated FAQ), real jieba and embedder. The questions are my own, not eval items:
each is declined without its thesaurus pair (the resident's word is foreign to every article), and the near misses
check that the pairs did not make the bot answer what no article says.
"""

from __future__ import annotations

import pytest
from answers_support import assert_citations_exact

from bot.chain import FaqChain, answer_to_turn


@pytest.fixture(scope="module")
def chain(no_faq_chain: FaqChain) -> FaqChain:
    return no_faq_chain


@pytest.mark.parametrize(
    ("question", "fact", "doc_id"),
    [
        ("个人账户的钱能给我媳妇交新农合吗", "城乡居民基本医疗保险", "cc-medical-outpatient"),  # 新农合
        ("每个月往个人账户划入多少", "2%", "cc-medical-outpatient"),  # 划入 ~ 计入
        ("过年快递歇业吗", "不打烊", "postal-baotong"),  # 歇业 ~ 打烊
        ("快递员的伙食有没有标准", "饮食标准", "postal-baotong"),  # 伙食 ~ 饮食
        ("快递员有津贴吗", "津补贴", "postal-baotong"),  # 津贴 ~ 津补贴
        ("辽源灌气站过年一天灌多少罐", "800余套", "gas-new-year-eve"),  # 灌气 ~ 充装, 罐 ~ 钢瓶
        ("俺媳妇是职工医保 她卡里的钱我抓药能用不", "药品", "cc-medical-outpatient"),  # 抓药 ~ 药品
        ("德惠加气站半夜几点来的罐车", "11点30分", "gas-new-year-eve"),  # 罐车 ~ 槽车
        ("调压器冬天爱冻住咋整", "冻堵", "gas-new-year-eve"),  # 冻住 ~ 冻堵
        ("红旗H6扭力多大", "380N·m", "hongqi-h6"),  # 扭力 ~ 扭矩
        ("吉林油田一年往地下注多少CO2", "43万吨", "jilin-oilfield-ccus"),  # co2 ~ 二氧化碳
        ("吉林油田出油率提高多少", "25%", "jilin-oilfield-ccus"),  # 出油率 ~ 采收率
        ("二氧化碳注进地里对采油有啥用", "25%", "jilin-oilfield-ccus"),  # 采油 ~ 原油
        ("草莓棚子一共种了多少亩", "500余亩", "power-lishu-strawberry"),  # 棚子 ~ 大棚
        ("延边供电推的那个阿普叫啥名字", "网上国网", "yanbian-power-returnees"),  # 阿普 ~ APP
        ("一家人能合着用一个医保个人账户不", "家庭成员共用共享", "cc-medical-outpatient"),  # 一家人, 合着用
        ("红旗H6的车屁股是啥样的", "贯穿式尾灯组", "hongqi-h6"),  # 屁股 ~ 尾部
        ("红旗H6的动力强不强", "185kW", "hongqi-h6"),  # 动力 ~ 功率, 扭矩
        ("梨树大棚大半夜停电了供电所给修不", "24小时抢修", "power-lishu-strawberry"),  # 大半夜 ~ 24小时
        ("八棵树那个种草莓的合作社老板是谁", "王宝忠", "power-lishu-strawberry"),  # 老板 ~ 负责人
        ("红旗H6外形是溜背的吗", "溜背式造型", "hongqi-h6"),  # 外形 ~ 造型
        ("吉林市邮政管理局查快递网点会提前打招呼吗", "四不两直", "postal-baotong"),  # 打招呼 ~ 四不两直
        ("八棵树村支书是谁", "任高峰", "power-lishu-strawberry"),  # 村支书 ~ 党支部书记
        ("松原过年快递能保证送药不", "医疗物资", "postal-baotong"),  # 送药 ~ 医疗物资
        # 医保 ~ 医疗保险: the clause that names it is the one quoted
        ("我在长春上班交职工医保，个人账户里的钱能给我闺女交城乡居民医保不", "城乡居民基本医疗保险", "cc-medical-outpatient"),
        ("我儿子天天念叨红旗新出了个H6，说是在车展上首发的，哪个车展啊", "广州国际汽车展", "hongqi-h6"),  # 念叨: a filler
        ("家庭共济绑上以后 能拿卡里的钱交啥费不", "长期护理保险", "cc-medical-outpatient"),  # 拿 ~ 使用
        ("医保家庭共济开通了 家里人能拿它干啥", "医疗器械", "cc-medical-outpatient"),  # 拿 ~ 使用
        ("延边供电给返乡的推了个啥软件", "网上国网", "yanbian-power-returnees"),  # 软件 ~ APP
        ("职工医保门诊共济从哪天实行", "1月1日", "cc-medical-outpatient"),  # 实行 ~ 实施
        ("跨年那天昆仑燃气多少人值班", "近百名", "gas-new-year-eve"),  # 值班 ~ 坚守
        ("个账钱能给闺女用不", "家庭", "cc-medical-outpatient"),  # 个账 ~ 个人账户
        ("我的医保个人账户跟老伴能一块用不", "家庭", "cc-medical-outpatient"),  # 一块 ~ 共用
        ("国家电网给梨树农网改造投了多少钱", "2.1亿元", "power-lishu-strawberry"),  # 国家电网 ~ 国网
        ("老太太医保卡里的钱我能用不 在哪绑", "家庭共济", "cc-medical-outpatient"),  # 老太太 ~ 家庭成员
        # Voice input's fillers: 就是说, 那个那个, 没听清.
        ("就是说延边供电公司能不能派人上门给查查线", "共产党员服务队", "yanbian-power-returnees"),
        ("辽源那旮沓的液化气站一天能灌多少瓶", "800余套", "gas-new-year-eve"),  # 那旮沓: a filler like 那嘎达
        ("家庭共济在手机上咋整", "吉林医保公共服务", "cc-medical-outpatient"),  # 手机 ~ 微信公众号
        ("梨树的菜农报修找谁", "便民服务联系卡", "power-lishu-strawberry"),  # 菜农 ~ 种植户
        ("梨树草莓棚子有三相电吗", "动力电", "power-lishu-strawberry"),  # 三相电 ~ 动力电
        ("延边电业局给返乡的人干啥了", "共产党员服务队", "yanbian-power-returnees"),  # 电业局: the old name
        ("开关生锈了会咋样", "锈蚀", "yanbian-power-returnees"),  # 生锈 ~ 锈蚀
        ("苞米秆子综合利用有啥难处", "综合利用率", "eco-supervision"),  # 苞米秆子 ~ 秸秆
        ("环保厅督查组去了几个地方", "9个地区", "eco-supervision"),  # 环保厅, 督查组
        ("吉林市查快递网点是暗访吗", "四不两直", "postal-baotong"),  # 暗访 ~ 四不两直
        ("女儿在长春上班 她的医保卡里的钱我们老两口能用不", "家庭成员", "cc-medical-outpatient"),  # 老两口
        ("重要湿地的保护谁出钱", "省级以上财政", "eco-supervision"),  # 出钱 ~ 财政
        ("地方保护湿地缺钱 有啥说法", "省级以上财政", "eco-supervision"),  # 缺钱 ~ 资金
        ("供电所给大户们巡检啥", "喷灌", "power-lishu-strawberry"),  # 大户 ~ 种植户
        ("延边供电公司咋方便返乡客户办电", "网上国网", "yanbian-power-returnees"),  # 方便 ~ 便捷
        ("吉林油田到现在为止往地下打了多少二氧化碳", "268万吨", "jilin-oilfield-ccus"),  # 为止 ~ 截至
        ("家里插座好久不用 为啥容易出毛病", "锈蚀", "yanbian-power-returnees"),  # 容易出毛病 ~ 易出现
        ("退休的往后往卡里打多少", "2.8%", "cc-medical-outpatient"),  # 往后 ~ 起 (2024年1月起)
        ("国网在梨树县改电网花了多少钱", "2.1亿元", "power-lishu-strawberry"),  # 电网 ~ 农网
        ("二氧化碳注下去 原油能多出多少", "25%", "jilin-oilfield-ccus"),  # 多出 ~ 提高
        ("辽源要求快递公司咋把快递员喊回来上班", "返岗补贴", "postal-baotong"),  # 快递员 ~ 一线人员
        ("二氧化碳打进油井里 采油能提高多少", "25%", "jilin-oilfield-ccus"),  # 油井 ~ 油田
        ("减压站冬天容易出啥毛病", "冻堵", "gas-new-year-eve"),  # 减压 ~ 调压
        # 诊所 ~ 医疗机构; 压根, 这么回事 and 搁 say nothing
        ("听说门诊统筹只有社区诊所能报 三甲大医院压根不给报 是这么回事不", "三级及以下", "cc-medical-outpatient"),
        ("生态强省督导帮扶一共有几个部门掺和进来了", "10个部门", "eco-supervision"),  # 掺和 says nothing
        ("氢能那块儿省里哪个单位管的", "省能源局", "eco-supervision"),  # 那块儿 says nothing
        ("门诊共济是谁透的信儿", "长春市医保局", "cc-medical-outpatient"),  # 信儿 ~ 获悉, 消息
        ("报上说跨年那晚零下多少度", "零下20摄氏度", "gas-new-year-eve"),  # 那晚 ~ 当晚; 报上 says nothing
        ("长春职工医保个人账户的钱能给我爹妈用不", "家庭成员", "cc-medical-outpatient"),  # 爹妈 ~ 家庭成员
        ("八棵树那个村的支书叫啥", "任高峰", "power-lishu-strawberry"),  # 支书 ~ 党支部书记
        ("昆仑燃气跨年夜多少人值守", "近百名", "gas-new-year-eve"),  # 值守 ~ 坚守
        ("国网给梨树农网改造砸进去多少钱", "2.1亿元", "power-lishu-strawberry"),  # 砸进去: spent, 砸 ~ 投资
        ("德惠加气母站谁领着一帮人干活儿", "熊华", "gas-new-year-eve"),  # 一帮人 ~ 班组成员
        ("德惠加气母站跨年那晚气温多少", "零下20摄氏度", "gas-new-year-eve"),  # 气温 ~ 温度
        ("家在松原乡下 老人着急用药 快递能优先送不", "医疗物资", "postal-baotong"),  # 用药 ~ 药品, 医疗物资
        ("敦化返乡的 不想出门的话咋办电", "足不出户", "yanbian-power-returnees"),  # 出门 ~ 足不出户
        ("延边供电叫返乡的下载啥软件办电", "网上国网", "yanbian-power-returnees"),  # 办电 ~ 电力服务
        ("延边供电公司除了上门 还拉人进了啥群", "微信服务群", "yanbian-power-returnees"),  # 拉人 ~ 邀请
        ("延边供电给返乡的有啥线上渠道能办事", "微信服务群", "yanbian-power-returnees"),  # 渠道: an app, a group
        ("梨树十家堡大棚半夜坏了能找着人修不", "24小时抢修", "power-lishu-strawberry"),  # 人: someone to do it
        ("督导帮扶那个建议书发给谁了", "各地政府", "eco-supervision"),  # 发给 ~ 印发
        ("松原要求快递企业多关心快递员 这样好在哪", "积极性", "postal-baotong"),  # 好在哪: what is good, no place
        ("辽源快递人手不够 邮政管理局让企业咋解决", "返岗补贴", "postal-baotong"),  # 解决: the measures, no word
        ("咱长春一汽的红旗H6在哪个车展首发的", "广州国际汽车展", "hongqi-h6"),  # 咱长春: who asks
        ("延边电业上门服务了多少次", "30余次", "yanbian-power-returnees"),  # 电业 ~ 供电
        ("红旗H6在哪个车展露脸的", "广州国际汽车展", "hongqi-h6"),  # 露脸 ~ 亮相, 首发
        ("个人账户的钱家里人买药能刷不", "药品", "cc-medical-outpatient"),  # 刷 ~ 支付
        ("长春邮政管理局去了哪几家快递的中转站", "京东", "postal-baotong"),  # 中转站 ~ 分拨中心
        ("延边供电排掉了几处毛病", "22处", "yanbian-power-returnees"),  # 排掉 ~ 消除
        ("门诊共济这个新规矩从哪天开始", "1月1日", "cc-medical-outpatient"),  # 规矩 ~ 机制
        ("梅河口副市长孙士岩咋评价这次督导帮扶", "省市县全方位联动", "eco-supervision"),  # 评价: what he said
        ("管环保的那个厅厅长是谁", "孙铁", "eco-supervision"),  # 环保 ~ 生态环境
        ("省林草局咋减轻地方财政压力", "省级以上财政", "eco-supervision"),  # 减轻 ~ 缓解
        ("常年在外边打工 家里插座为啥容易坏", "锈蚀", "yanbian-power-returnees"),  # 外边 ~ 在外
        ("我老伴儿能用我的医保个人账户吗", "家庭成员", "cc-medical-outpatient"),  # 老伴儿 is 老伴 (儿化)
        ("门诊共济是啥意思 听了半天没整明白", "家庭成员共用共享", "cc-medical-outpatient"),  # 半天, 整明白: fillers
        ("辽源烧罐装气的老百姓有多少户人家", "3万余户", "gas-new-year-eve"),  # 罐装 ~ 液化气
        ("辽源快递小哥过年不乐意回来上班 邮政管理局有啥招儿", "返岗补贴", "postal-baotong"),  # 乐意: a filler; 招儿
        ("红旗H6腚后头的尾灯跟哪个车一样", "红旗H5", "hongqi-h6"),  # 腚 ~ 尾部
        ("吉林油田打进地下的碳攒了多少", "268万吨", "jilin-oilfield-ccus"),  # 打进 ~ 注入
        ("吉林油田往地下注的碳到现在攒了多少", "268万吨", "jilin-oilfield-ccus"),  # 攒 ~ 累计
        ("元旦前一晚昆仑燃气多少人在岗上守着", "近百名", "gas-new-year-eve"),  # 岗上 ~ 一线
        ("一家子共用个人账户的新规矩哪天开始", "1月1日", "cc-medical-outpatient"),  # 一家子, 规矩
        ("往油层里灌二氧化碳 原油能多采多少", "25%", "jilin-oilfield-ccus"),  # 油层 ~ 油田
        ("红旗H6零到一百几秒", "6.8秒", "hongqi-h6"),  # 到一百 ~ 百公里加速
        ("医保个人账户一家老小都能用吗", "家庭成员", "cc-medical-outpatient"),  # 一家老小 ~ 家庭成员
        ("上班族个人账户每月划多少", "2%", "cc-medical-outpatient"),  # 上班族 ~ 在职职工
        ("看小病能去几级医院报销", "三级及以下", "cc-medical-outpatient"),  # 小病 ~ 门诊
        ("长春管邮寄的局子查了哪些快递的分拨中心", "京东", "postal-baotong"),  # 邮寄 ~ 寄递, 局子 ~ 管理局
        ("吉林市快递检查是突击的还是提前通知", "四不两直", "postal-baotong"),  # 突击 ~ 四不两直
        ("吉林市查快递网点是提前说好还是搞突然袭击", "四不两直", "postal-baotong"),  # 突然袭击 ~ 四不两直
        ("天一冷调压器容易出啥问题", "冻堵", "gas-new-year-eve"),  # 天一冷 (cut 天一/冷) ~ 冬季
        ("十家堡管电的所二把手叫啥", "迟小飞", "power-lishu-strawberry"),  # 二把手 ~ 副所长
        ("梨树县有多少暖棚", "3.25万栋", "power-lishu-strawberry"),  # 暖棚 ~ 温室大棚
        ("督导帮扶各地提了多少难事", "61项", "eco-supervision"),  # 难事 ~ 问题
        ("红旗H6变速箱手动的还是自动的", "手自一体", "hongqi-h6"),  # 手动, 自动 ~ 手自一体
        ("辽源咋把快递员往回叫", "返岗补贴", "postal-baotong"),  # 往回 ~ 返岗
        ("红旗H6在哪个车展露面的", "广州国际汽车展", "hongqi-h6"),  # 露面 ~ 亮相
        ("这回生态强省督导帮扶一共几个组", "5个帮扶工作组", "eco-supervision"),  # 这回: a filler like 这次
        ("督导帮扶各地提了多少件问题", "61项", "eco-supervision"),  # 件 counts what 项 counts
        ("最近都买退烧药 松原快递对这类东西有啥照顾", "优先特殊配送机制", "postal-baotong"),  # 退烧药 ~ 药品
        ("想把我媳妇挂到我医保上一块花 搜哪个公众号", "吉林医保公共服务", "cc-medical-outpatient"),  # 挂到 ~ 绑定
        ("辽源市春节期间寄递服务是否正常营业", "不打烊", "postal-baotong"),  # 营业 ~ 不打烊
        ("辽源那个灌气站管多少老百姓家用气", "3万余户", "gas-new-year-eve"),  # 家用 ~ 居民
        ("六之维合作社当家的叫啥", "王宝忠", "power-lishu-strawberry"),  # 当家的 ~ 负责人
        ("家里好几年没人住 为啥老跳闸", "锈蚀", "yanbian-power-returnees"),  # 跳闸 ~ 断电
        ("现在去门诊做检察的钱能给报不", "做检查", "cc-medical-outpatient"),  # 检察: 检查 typed by sound
        ("红旗H6屁股那灯瞅着眼熟 是啥样的", "贯穿式尾灯组", "hongqi-h6"),  # 瞅着眼熟 says nothing
        ("辽源让快递员回来上班给钱了没", "返岗补贴", "postal-baotong"),  # 给钱 ~ 补贴
        ("吉林市查快递网点事先打好招呼了没", "四不两直", "postal-baotong"),  # 招呼 (cut 打好/招呼) ~ 四不两直
        ("调压器冬天爱出啥毛病 站里咋防", "冻堵", "gas-new-year-eve"),  # 防 ~ 防止, 确保
        ("梨树供电所给种草莓的发了个卡 叫啥我记不住了", "便民服务联系卡", "power-lishu-strawberry"),  # 记不住: a filler
        ("不住院光看门诊能去多大的医院报", "三级及以下", "cc-medical-outpatient"),  # 不住院 ~ 门诊
        ("现在门诊拍片子的钱给报不", "做检查", "cc-medical-outpatient"),  # 拍片子 ~ 检查
        ("门诊用的针管纱布能报不", "医用耗材", "cc-medical-outpatient"),  # 针管, 纱布 ~ 医用耗材
        ("生态帮扶下基层一共几个小组走了多少地区", "9个地区", "eco-supervision"),  # 下基层, 小组 ~ 工作组
        ("红旗那款H6零百要几秒", "6.8秒", "hongqi-h6"),  # 零百 ~ 百公里加速; 那款 says nothing
        ("辽源那旮瘩液化气站一天能灌多少瓶子", "800余套", "gas-new-year-eve"),  # 瓶子 ~ 钢瓶
        ("医保里让家里人共用钱的功能在哪弄", "吉林医保公共服务", "cc-medical-outpatient"),  # 功能 ~ 模块
        ("在职的个人户头每月进多少", "2%", "cc-medical-outpatient"),  # 户头 ~ 账户
        ("吉林市那个降压站管多少户", "10万户", "gas-new-year-eve"),  # 降压 ~ 调压
        ("辽源过年快递会不会关门", "不打烊", "postal-baotong"),  # 关门 ~ 打烊
        ("过年期间快递网点关门吗", "不打烊", "postal-baotong"),  # 关门吗 asks whether, not at what hour
        ("德惠那个给罐车充气的大站 元旦前一晚谁领着人干的", "熊华", "gas-new-year-eve"),  # 充气 ~ 充装
        ("长春管快递的局去了哪几家快递的中转场子", "京东", "postal-baotong"),  # 中转场子 ~ 分拨中心
        # 特别 ~ 特殊: "优先特殊配送机制"
        (
            "我家在松原下面的屯子，家里老人等着外地寄来的药，现在快递都压着，听说松原对看病用的东西有啥特别的安排，乡下能送到不？",
            "优先特殊配送机制",
            "postal-baotong",
        ),
        ("职工医保个人账户家里人能一块用 打啥时候开始这么整的", "1月1日", "cc-medical-outpatient"),  # 这么: a filler
        ("听说快递对药品有优先送的说法 松原咋规定的", "优先特殊配送机制", "postal-baotong"),  # 说法: a filler
        ("延边是哪帮人挨家给打工回来的查电线", "共产党员服务队", "yanbian-power-returnees"),  # 哪帮人: who
        ("退休的人个人账户今年咋往里打钱", "4%", "cc-medical-outpatient"),  # 往里打钱 is 打钱 ~ 计入, money and all
        ("国家电网在梨树改电网投多少钱", "2.1亿元", "power-lishu-strawberry"),  # 投多少钱: a sum spent, not a price
        # 挨冻 ~ 严寒; 那宿 (that night) and 呐 say nothing
        ("跨年那宿在外头挨冻保供的是哪家公司的人呐", "昆仑燃气吉林分公司", "gas-new-year-eve"),
        ("吉林油田往地下注碳的总量是多少 合多少棵树", "268万吨", "jilin-oilfield-ccus"),  # 总量 ~ 累计, 合 ~ 相当于
        ("在职职工个人帐户现在咋记入的", "2%", "cc-medical-outpatient"),  # 记入 typed for 计入
        ("延边供电让大伙下载啥app", "网上国网", "yanbian-power-returnees"),  # 大伙 says nothing
        ("延边电业给回来过年的打工人上门 消了多少处隐患", "22处", "yanbian-power-returnees"),  # 打工人 ~ 务工人员
        ("去门诊抽血化验的钱现在能报不", "做检查", "cc-medical-outpatient"),  # 抽血, 化验 ~ 检查
        ("高血压老毛病了 门诊能去几级医院报", "三级(市级)及以下", "cc-medical-outpatient"),  # 老毛病 ~ 慢性病
        ("吉林市挨个查快递网点 分了几拨人", "5个督导组", "postal-baotong"),  # 挨个 ~ 地毯式, 拨人 ~ 组
        ("辽源快递小哥回老家了 公司有啥招把人叫回来干活", "返岗补贴", "postal-baotong"),  # 招 ~ 手段
        ("辽源换气站跨年一天灌出去多少罐儿", "800余套", "gas-new-year-eve"),  # 换气 ~ 充装, 罐儿 ~ 钢瓶
        ("冬天白天晚上冷热差大 调压器容易出啥事", "冻堵", "gas-new-year-eve"),  # 白天晚上 ~ 昼夜, 冷热 ~ 温差
        ("红旗H6头一回在哪个车展露面", "广州国际汽车展", "hongqi-h6"),  # 头一回 ~ 首发
        ("想让爸妈花我单位医保里攒的钱 在哪弄", "吉林医保公共服务", "cc-medical-outpatient"),  # 单位医保 ~ 职工医保
        ("吉林市查快递网点提前吱声不", "四不两直", "postal-baotong"),  # 吱声 ~ 打招呼 (四不两直)
        ("冬天那降压的阀门为啥得老去瞅 怕它出啥毛病", "冻堵", "gas-new-year-eve"),  # 瞅 ~ 巡检
        ("国网在梨树改农村线路花多少", "2.1亿元", "power-lishu-strawberry"),  # 农村线路 ~ 农网; 花多少: spent
        ("吉林油田一共往地下埋了多少碳", "268万吨", "jilin-oilfield-ccus"),  # 埋 ~ 注入
        ("长春管快递的那帮人上哪几家快递的中转大仓转了", "京东", "postal-baotong"),  # 中转大仓 ~ 分拨中心
        ("红旗H6屁股后头的灯跟哪款车一样", "红旗H5", "hongqi-h6"),  # 屁股后头 ~ 尾部
        ("我妈在农村交合作医疗 我医保卡里的钱能替她交不", "城乡居民基本医疗保险", "cc-medical-outpatient"),  # 替 ~ 给
        ("松原那边买口罩买药的多 快递公司咋送", "优先特殊配送机制", "postal-baotong"),  # 口罩 ~ 防疫用品, 医疗物资
        ("松原老百姓急着买药 上头让快递公司咋给送", "优先特殊配送机制", "postal-baotong"),  # 买药 ~ 医疗物资
        ("梨树县现有温室设施总规模及年度果蔬产量各为多少？", "32万余吨", "power-lishu-strawberry"),  # 产量 ~ 年产
        ("梅河口有人在督导帮扶这事上发言没 是谁", "孙士岩", "eco-supervision"),  # 发言 ~ 说
        ("梅河口啥领导谈了督导帮扶", "孙士岩", "eco-supervision"),  # 领导 ~ 市长 (副市长孙士岩)
        # 少打 ~ 计入; "钱…上哪去了" asks what it went to (用于), not a place
        ("个人账户少打的钱都上哪去了", "门诊保障", "cc-medical-outpatient"),
        # 进账 ~ 计入, 算法 ~ 办法, 多出来 ~ 增加; 最后 says nothing
        ("个人账户进账的算法改了 多出来的钱最后花哪儿去了", "门诊保障", "cc-medical-outpatient"),
        ("医保卡进账的算法变了 多出来的钱干啥用", "门诊保障", "cc-medical-outpatient"),
        ("吉林市苞米杆子离田补助不够 省里专门开会研究过 哪天", "2022年11月16日", "eco-supervision"),  # 苞米杆子 ~ 秸秆
        ("苞米秆综合利用为啥低", "缺乏适用推广技术", "eco-supervision"),  # 苞米秆 ~ 秸秆
        ("松原管快递的局深入的那个大院儿叫什么", "瑞禾苗物流园区", "postal-baotong"),  # 大院 ~ 园区
        ("德惠那个加汽总站半夜来了几辆拉气的车", "6辆", "gas-new-year-eve"),  # 总站 ~ 母站
        ("辽源灌装站供着多少住家", "3万余户", "gas-new-year-eve"),  # 住家 ~ 居民
        ("国网给梨树乡下电线改造花了多少", "2.1亿元", "power-lishu-strawberry"),  # 乡下电线 ~ 农网
        ("吉林油田前前后后往地下注了多少二氧化碳", "268万吨", "jilin-oilfield-ccus"),  # 前前后后 ~ 累计
        ("听说退休的往卡里进的钱明年又要少 是降到多少", "2.8%", "cc-medical-outpatient"),  # 降到 ~ 调整为
        ("松原快递能送到犄角旮旯的屯子不", "偏远农村地区", "postal-baotong"),  # 犄角旮旯 ~ 偏远
        ("辽源灌气站点的人大清早几点开干", "早上7点", "gas-new-year-eve"),  # 大清早 ~ 早上
        ("梨树供电所发的小卡片叫啥", "便民服务联系卡", "power-lishu-strawberry"),  # 卡片 ~ 卡
        ("吉林市那些人下去查送件的 是提前打招呼才去的不", "四不两直", "postal-baotong"),  # 提前打招呼 ~ 四不两直
        ("省里下去帮各地搞生态 分了几个组", "5个帮扶工作组", "eco-supervision"),  # 省里 ~ 省(生态环境厅…)
        ("打听一下 门诊能去几级医院报", "三级及以下", "cc-medical-outpatient"),  # 打听一下 says nothing
        ("电视上演了 辽源灌气的地方一天送多少罐", "800余套", "gas-new-year-eve"),  # 电视 says nothing
        ("大冷天燃气压力老不稳 调压器咋了", "冻堵", "gas-new-year-eve"),  # 冷天 ~ 冬季
        ("辽源烧罐装气的人家跟单位各多少户", "3000余户", "gas-new-year-eve"),  # 单位 ~ 公用(用户)
        ("松原顺丰邮政分拣的大仓在啥园子里", "瑞禾苗物流园区", "postal-baotong"),  # 分拣 ~ 分拨, 园子 ~ 园区
        ("辽源液化气是不是供着3万户 机关单位算不算在内", "3000余户", "gas-new-year-eve"),
        # 在岗 ~ 在职; "本人负责单位财务" tells who asks, as "我…" does
        ("本人负责单位财务，请问在岗员工医保个人部分按工资的多大比例计入", "2%", "cc-medical-outpatient"),
        ("红旗H6踩油门到一百要几秒", "6.8秒", "hongqi-h6"),  # 踩油门 ~ 加速
        ("督导帮扶给地方列了个单子，还有个账本，账本是咋管的", "挂账销号管理", "eco-supervision"),  # 单子 ~ 清单, 账本 ~ 台账
        ("教大伙安全用电的单子延边供电发出去几张", "150余份", "yanbian-power-returnees"),  # 单子 ~ 传单 (a leaflet)
        ("省林草局咋给地方减轻负担的", "省级以上财政", "eco-supervision"),  # 减轻负担 ~ 缓解
        ("红旗H6属于啥档次", "B+级", "hongqi-h6"),  # 档次 ~ 级
        ("昆仑燃气到底多少人在岗啊", "近百名员工", "gas-new-year-eve"),  # 在岗 ~ 坚守…一线
        ("家里老人着急吃药 辽源快递能不能先送", "优先派送药品", "postal-baotong"),  # 吃药 ~ 药品
        ("松原那边着急要的药能先给送不", "优先特殊配送机制", "postal-baotong"),  # 着急 ~ 急需/急
        ("春节那几天辽源快递还收件吗", "不打烊", "postal-baotong"),  # 收件 ~ 寄递
        ("全省各地一共报上来多少条难处", "61项", "eco-supervision"),  # 难处 ~ 问题
        ("辽源灌装站跨年那天从早忙到晚 到底灌了多少瓶出去 能说个数不", "800余套", "gas-new-year-eve"),  # 说个数 asks the number
        # 队伍 ~ (服务)队
        (
            "我在延边，过年从外地打工回来，房子空了一年，插座开关啥的一直没动过，怕受潮出事，听说供电公司能上门给看看，派的是啥队伍，都干点啥？",
            "共产党员服务队",
            "yanbian-power-returnees",
        ),
        # 有人 ("someone comes") says nothing
        (
            "出去打工好几年家里一直没人住，过年回延边老家，怕屋里电线插座啥的出毛病，听说供电那边有人上门给查，是啥队伍来的？",
            "共产党员服务队",
            "yanbian-power-returnees",
        ),
        # 待遇 ~ 补贴: what couriers are paid to come back
        (
            "我在辽源送快递，过年人手紧，老板让早点回来上班，说上头要求给一线发钱，都能有啥补贴待遇",
            "返岗补贴",
            "postal-baotong",
        ),
    ],
)
def test_everyday_words_are_answered_from_the_right_article(
    chain: FaqChain, question: str, fact: str, doc_id: str
) -> None:
    answer = chain.ask(question)
    assert answer.answered, answer.text
    assert fact in answer.text, answer.text
    assert doc_id in {c.doc_id for c in answer.citations}
    assert_citations_exact(answer)


def test_an_hour_said_in_characters_is_the_hour_the_article_writes_in_digits(chain: FaqChain) -> None:
    """"半夜十一点多" is the article's "晚上11点30分" (6辆CNG槽车…进入吉港德惠加气母站); "快一点" stays a little."""
    from bot.lexicon import WordReader

    answer = chain.ask("我住德惠，跨年那天半夜十一点多看见好几辆大罐车往加气站开，一共几辆啊")
    assert answer.answered and "6辆" in answer.text, answer.text
    reader = WordReader([])
    assert "11" in reader.words("半夜十一点多") and "7" in reader.words("早上七点开门")
    assert "1" not in reader.words("写快一点")


def test_the_whole_county_is_the_county_the_conversation_is_about(chain: FaqChain) -> None:
    """"全县" after a question on 梨树's strawberries is 梨树县: "梨树县共建各类温室大棚3.25万栋" answers it."""
    first = chain.ask("梨树草莓合作社种了多少亩")
    answer = chain.ask("全县大棚一共多少栋", [answer_to_turn(first)])
    assert answer.answered and "3.25万栋" in answer.text, answer.text
    assert_citations_exact(answer)


def test_a_year_asked_after_a_station_is_its_yearly_total(chain: FaqChain) -> None:
    """"一年能输多少气" after a question on 淮安's station: a year's total ("2022年累计输气4.9亿立方米")."""
    first = chain.ask("淮安那个调压站供多少户")
    answer = chain.ask("一年能输多少气", [answer_to_turn(first)])
    assert answer.answered and "4.9亿立方米" in answer.text, answer.text


@pytest.mark.parametrize(
    "question",
    [
        "医保卡丢了怎么补办",
        "液化气一罐多少钱",  # 罐 ~ 钢瓶, but no article gives a price
        "快递员态度不好去哪投诉",
        "家里停电多久能修好",
        "家里停气了找谁",  # 停气 is no 断供 pair: the Liaoyuan station's supply is not the resident's outage
        "延边停电找谁修",
        "电闸跳了咋办",
        "煤气罐多久检测一次",  # 煤气 ~ 燃气/液化气, but no inspection interval anywhere
        "红旗H6引擎保修几年",  # 引擎 ~ 发动机, but no warranty
        "乡下大棚用电贵吗",  # 乡下 ~ 农村, but no price of power
        "快递员罚款太多去哪投诉",
        "燃气灶出毛病咋办",
        "快递网点春节啥时候开门",  # a when-question about opening asks an hour no article gives
        "燃气公司几点关门",
        "燃气灶老毛病了咋修",  # 老毛病 ~ 慢性病, but no article tells how to mend a stove
        "化验单在哪打印",
        "家里阀门坏了找谁修",
        "吉林油田明年打算往地下埋多少碳",
        "口罩多少钱一盒",
        "快递收件要身份证吗",  # 收件 ~ 寄递, but whether a document is needed only a sentence naming it says
        "梨树农网改造来年投多少钱",  # 来年 is the year after the report's: no article gives it
        "退休的二五年往后往卡里存多少",  # 往后 ~ 起, but the article gives no figure for 2025  # 出毛病 ~ 易出现 is a tendency: no article says what to do about a stove
    ],
)
def test_near_misses_in_everyday_words_are_declined(chain: FaqChain, question: str) -> None:
    answer = chain.ask(question)
    assert not answer.answered and answer.mode == "declined", answer.text
    assert answer.citations == []


def test_hazards_asked_as_found_are_answered_by_the_count_eliminated(chain: FaqChain) -> None:
    """"查出几处隐患": the article counts the hazards its crews found by those they eliminated (消除…隐患22处);
    an eliminated hazard was found first."""
    first = chain.ask("延边供电公司上门服务了多少次")
    answer = chain.ask("查出几处隐患", [answer_to_turn(first)])
    assert answer.answered and "22处" in answer.text, answer.text


def test_asking_it_in_plain_words_is_no_word_an_article_must_hold(chain: FaqChain) -> None:
    """"你说大白话 我每个月能进多少" after the retirees' rule: 大白话 asks for plain words, not about them."""
    first = chain.ask("退休人员个人账户按啥标准划钱")
    answer = chain.ask("你说大白话 我每个月能进多少", [answer_to_turn(first)])
    assert answer.answered and "4%" in answer.text, answer.text


def test_trips_asked_after_the_visits_are_the_visits_counted(chain: FaqChain) -> None:
    """"去了多少趟" after "延边供电公司上门走访了没": a trip (趟) is counted as the article counts visits (上门服务30余次)."""
    first = chain.ask("延边供电公司上门走访了没")
    second = chain.ask("去了多少趟", [answer_to_turn(first)])
    assert second.answered and "30余次" in second.text, second.text


@pytest.mark.parametrize(
    ("first", "then", "fact"),
    [
        # 细点 asks for detail; it is not about anything.
        ("吉林油田CCUS那个四精模式是啥", "四精是啥 说细点", "精益求精"),
        # 半夜 ~ 24小时: round-the-clock repair covers the night.
        ("梨树十家堡供电所给大棚户都干了啥", "半夜坏了能修不", "24小时抢修"),
        # 领头的: the station's head, named by the title 站长 (杨博).
        ("辽源液化气灌装站一天送出去多少瓶", "领头的是谁", "杨博"),
        # 变 ~ 调整: the rates adjusted (调整为…), 2024年1月起 among them ("以后还变不变" asks of the rate just given).
        ("我是在职的 个人账户每月往里划多少", "后来变了没", "2024年1月起"),
        # 片儿 ("哪几个片儿") is the areas asked for, no word a sentence needs.
        ("吉林市淮安那个调压站供着多少户", "都是哪几个片儿的", "江北"),
        # 里边 is the account talked about, no word a sentence needs.
        ("个人账户的钱家里人能拿去买药不", "长期护理保险能从里边交不", "长期护理保险"),
        # 找 (finding someone) is no word the answer must hold.
        ("刚回延边 家里一年没住人了 电线不敢用", "那咋办 找谁给看看", "共产党员服务队"),
        # 面积 ~ 亩: an area is counted in 亩 (种植草莓500余亩); jieba cuts 多大面积 as 多/大面积.
        ("我老家在梨树 那边的草莓合作社带动了多少人就业", "它种了多大面积", "500余亩"),
        # 翻看 ~ 查看: "查看企业消杀记录".
        ("吉林市查快递网点", "到了网点翻看啥记录", "消杀记录"),
        # 发卡 ~ 发放: "供电所给种植户都发放了‘便民服务联系卡’" is who said it.
        ("梨树大棚", "谁讲的发卡", "迟小飞"),
        # 那天 is the day the conversation is about, no word a sentence needs ("全天充装…800余套").
        ("辽源液化气站跨年那天谁带班", "那天灌了多少瓶", "800余套"),
        # 大规模 ~ 亩: jieba cuts 多大规模 as 多/大规模; a farm's size is given in 亩.
        ("梨树草莓合作社叫啥", "多大规模", "500余亩"),
        # 累计/总共 ask a figure, whatever the last question asked: 268万吨, not the date of the 43万吨.
        ("吉林油田年注入量突破43万吨是什么时候", "总共呢", "268万吨"),
        # 干活 ~ 就业: "带动了100余位返乡农民在家门口就业".
        ("梨树最大的草莓合作社种了多少亩", "带了多少人在家门口干活", "100余位"),
        # 跑 ~ 分赴: "分赴昌邑区、丰满区…" is where they went.
        ("吉林市邮管局查快递网点用的啥方式", "跑了哪几个区", "昌邑区"),
        # 伙 ~ 组: "派了几伙人" counts groups (5个督导组).
        ("松原邮管局去了哪几家快递的网点", "吉林市呢 派了几伙人", "5个督导组"),
        # 那阵 (that time) says nothing; 停 ~ 打烊.
        ("辽源快递先送啥东西", "过年那阵停不停", "不打烊"),
        # 法子 ~ 方式: "5个督导组采取“四不两直”的方式".
        ("吉林市那几个督导组都跑了哪些区", "用的啥法子查的", "四不两直"),
        # 排除 ~ 消除: "消除各类用电隐患22处".
        ("延边供电给返乡务工的上门查线", "排除了几处毛病", "22处"),
        # 整完了: once it is done; what it buys is asked.
        ("长春那医保家庭共济在哪弄啊 手机上能弄不", "整完了 都能买啥", "医疗器械"),
        # 换个话题 says nothing: what follows is asked on its own.
        ("吉林油田注了多少二氧化碳", "换个话题 红旗H6是啥级别的车", "B+级豪华风尚轿车"),
    ],
)
def test_follow_ups_in_everyday_words_are_answered(chain: FaqChain, first: str, then: str, fact: str) -> None:
    """A follow-up whose everyday word is declined without its thesaurus entry (each checked by taking it out)."""
    earlier = chain.ask(first)
    answer = chain.ask(then, [answer_to_turn(earlier)])
    assert answer.answered and fact in answer.text, answer.text


def test_the_local_office_is_the_one_the_conversation_is_about(chain: FaqChain) -> None:
    """"当地供电所" after a question on 梨树's cooperative: 当地 (the place already named) is no word a sentence must
    hold, so the card the 供电所 gave out is named."""
    history = []
    for question in ("梨树最大的草莓合作社谁管事儿", "当地供电所是谁出来说的"):
        history.append(answer_to_turn(chain.ask(question, history)))
    answer = chain.ask("他们给种棚的发的那卡叫啥", history)
    assert answer.answered and "便民服务联系卡" in answer.text, answer.text
