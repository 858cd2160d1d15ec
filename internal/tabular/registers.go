package tabular

import "redgrid/internal/model"

// The registers' column specs. Keys are the JSON names of the store's input
// fields; a column with Ref holds the code (or name) of what it refers to,
// resolved to an id by the wiring (industry_id, grid_id, parent_id, org_id,
// enterprise_id).

// Closed lists, by the model's codes.
var (
	GridLevelChoices = []Choice{
		{Code: model.GridZone, Zh: "新区", En: "Zone"},
		{Code: model.GridArea, Zh: "片区", En: "Area"},
		{Code: model.GridGrid, Zh: "网格", En: "Grid"},
	}
	EnterpriseStatusChoices = []Choice{
		{Code: model.StatusOperating, Zh: "在营", En: "Operating", Aliases: []string{"存续", "在业", "开业"}},
		{Code: model.StatusSuspended, Zh: "停业", En: "Suspended", Aliases: []string{"歇业"}},
		{Code: model.StatusMovedOut, Zh: "迁出", En: "Moved out"},
		{Code: model.StatusClosed, Zh: "注销", En: "Closed", Aliases: []string{"吊销"}},
	}
	OrgKindChoices = []Choice{
		{Code: model.OrgCommittee, Zh: "党委", En: "Committee", Aliases: []string{"党工委"}},
		{Code: model.OrgGeneralBranch, Zh: "党总支", En: "General branch"},
		{Code: model.OrgBranch, Zh: "党支部", En: "Branch"},
		{Code: model.OrgJointBranch, Zh: "联合党支部", En: "Joint branch"},
		{Code: model.OrgFunctionalBranch, Zh: "功能性党支部", En: "Functional branch"},
	}
	MemberCategoryChoices = []Choice{
		{Code: model.CategoryFull, Zh: "正式党员", En: "Full member", Aliases: []string{"正式"}},
		{Code: model.CategoryProbationary, Zh: "预备党员", En: "Probationary member", Aliases: []string{"预备"}},
	}
	MemberStatusChoices = []Choice{
		{Code: model.MemberNormal, Zh: "正常", En: "Normal"},
		{Code: model.MemberSuspended, Zh: "停止党籍", En: "Membership suspended"},
		{Code: model.MemberLost, Zh: "失联", En: "Lost contact"},
		{Code: model.MemberLeft, Zh: "出党", En: "Left the Party"},
		{Code: model.MemberDeceased, Zh: "死亡", En: "Deceased"},
	}
	PositionKindChoices = []Choice{
		{Code: model.PositionManager, Zh: "管理人员", En: "Management"},
		{Code: model.PositionFrontline, Zh: "一线员工", En: "Front-line staff"},
		{Code: model.PositionTechnical, Zh: "技术人员", En: "Technical staff"},
	}
	// EducationChoices: the model's codes are the Chinese names themselves.
	EducationChoices = []Choice{
		{Code: "研究生", Zh: "研究生", En: "Postgraduate", Aliases: []string{"硕士", "博士"}},
		{Code: "大学本科", Zh: "大学本科", En: "Bachelor's degree", Aliases: []string{"本科"}},
		{Code: "大学专科", Zh: "大学专科", En: "College diploma", Aliases: []string{"专科", "大专"}},
		{Code: "中专", Zh: "中专", En: "Secondary vocational"},
		{Code: "高中", Zh: "高中", En: "High school"},
		{Code: "初中及以下", Zh: "初中及以下", En: "Junior high or below", Aliases: []string{"初中", "小学"}},
	}
	WillingnessChoices = []Choice{
		{Code: model.WillingYes, Zh: "愿意转入", En: "Willing", Aliases: []string{"愿意"}},
		{Code: model.WillingMaybe, Zh: "考虑中", En: "Considering"},
		{Code: model.WillingNo, Zh: "不愿转入", En: "Unwilling", Aliases: []string{"不愿意"}},
		{Code: model.WillingUnknown, Zh: "未表态", En: "Unknown"},
	}
)

// Example codes carry valid check characters (made up, not real entities).
const (
	exampleUSCC = "91330100MA2H7K3Q0X"
	exampleID   = "330106199003071236"
)

// Grids is the grid hierarchy (新区 › 片区 › 网格).
var Grids = &Spec{
	Name:  "grids",
	Title: Label{"网格", "Grids"},
	Columns: []Column{
		{Key: "code", Header: Label{"网格编码", "Grid code"}, Aliases: []string{"编码", "code"}, Kind: KindCode, KeepCase: true,
			Required: true, MaxLen: 32, NaturalKey: true, Example: "WG-001",
			Note: Label{"字母、数字、-、_", "Letters, digits, - and _"}},
		{Key: "name", Header: Label{"网格名称", "Grid name"}, Aliases: []string{"名称", "name"}, Kind: KindText, Required: true, MaxLen: 64, Example: "东湖网格"},
		{Key: "level", Header: Label{"层级", "Level"}, Kind: KindEnum, Required: true, Choices: GridLevelChoices, Example: "网格"},
		{Key: "parent", Header: Label{"上级编码", "Parent code"}, Aliases: []string{"上级网格编码", "上级", "parent"}, Kind: KindCode, KeepCase: true,
			MaxLen: 32, Ref: "grid", Example: "PQ-01",
			Note: Label{"新区不填；片区填新区编码，网格填片区编码", "Empty for the zone; an area names its zone, a grid its area"}},
	},
}

// Enterprises is the enterprise register.
var Enterprises = &Spec{
	Name:  "enterprises",
	Title: Label{"企业名录", "Enterprises"},
	Columns: []Column{
		{Key: "uscc", Header: Label{"统一社会信用代码", "Unified social credit code"},
			Aliases: []string{"信用代码", "社会信用代码", "统一信用代码", "USCC", "credit code"}, Kind: KindCode, Required: true,
			MaxLen: 18, NaturalKey: true, Example: exampleUSCC,
			Note: Label{"18位，请将该列设为文本格式", "18 characters; keep the column in text format"}},
		{Key: "name", Header: Label{"企业名称", "Name"}, Aliases: []string{"名称", "单位名称", "enterprise name"}, Kind: KindText, Required: true, MaxLen: 100, Example: "杭州示例科技有限公司"},
		{Key: "short_name", Header: Label{"简称", "Short name"}, Aliases: []string{"企业简称"}, Kind: KindText, MaxLen: 30, Example: "示例科技"},
		{Key: "industry", Header: Label{"行业", "Industry"}, Aliases: []string{"所属行业", "行业类别"}, Kind: KindText, Required: true, MaxLen: 64,
			Ref: "industry", Example: "制造业", Note: Label{"行业字典中的名称或编码", "A name or code of the industry list"}},
		{Key: "above_scale", Header: Label{"规上企业", "Above size"}, Aliases: []string{"是否规上", "规上", "规模以上"}, Kind: KindBool, Example: "是"},
		{Key: "grid", Header: Label{"所属网格", "Grid"}, Aliases: []string{"网格", "网格编码"}, Kind: KindText, Required: true, MaxLen: 64,
			Ref: "grid", Example: "WG-001", Note: Label{"网格编码或名称（须为最末级网格）", "A grid code or name (a grid, not an area)"}},
		{Key: "address", Header: Label{"地址", "Address"}, Aliases: []string{"注册地址", "经营地址"}, Kind: KindText, MaxLen: 200, Example: "示例路1号"},
		{Key: "lat", Header: Label{"纬度", "Latitude"}, Kind: KindDecimal, Scale: 6, Min: -90, Max: 90, Example: "30.274085"},
		{Key: "lng", Header: Label{"经度", "Longitude"}, Kind: KindDecimal, Scale: 6, Min: -180, Max: 180, Example: "120.155070"},
		{Key: "employees", Header: Label{"从业人数", "Employees"}, Aliases: []string{"职工人数", "员工人数"}, Kind: KindInt, Min: 0, Max: 10_000_000, Example: "120"},
		{Key: "status", Header: Label{"经营状态", "Status"}, Aliases: []string{"状态"}, Kind: KindEnum, Choices: EnterpriseStatusChoices, Example: "在营",
			Note: Label{"不填为在营", "Empty: operating"}},
		{Key: "founded_on", Header: Label{"成立日期", "Founded"}, Aliases: []string{"成立时间", "founded on"}, Kind: KindDate, Example: "2021-08-31"},
		{Key: "legal_rep", Header: Label{"法定代表人", "Legal representative"}, Aliases: []string{"法人", "法人代表"}, Kind: KindText, MaxLen: 50, Example: "张三"},
	},
}

// Organizations is the party organization register.
var Organizations = &Spec{
	Name:  "organizations",
	Title: Label{"党组织", "Party organizations"},
	Columns: []Column{
		{Key: "code", Header: Label{"组织编码", "Code"}, Aliases: []string{"编码", "党组织编码"}, Kind: KindCode, KeepCase: true,
			Required: true, MaxLen: 32, NaturalKey: true, Example: "DZB-001", Note: Label{"字母、数字、-、_", "Letters, digits, - and _"}},
		{Key: "name", Header: Label{"组织名称", "Name"}, Aliases: []string{"党组织名称", "名称"}, Kind: KindText, Required: true, MaxLen: 64, Example: "示例科技有限公司党支部"},
		{Key: "short_name", Header: Label{"简称", "Short name"}, Kind: KindText, MaxLen: 32, Example: "示例党支部"},
		{Key: "kind", Header: Label{"组织类型", "Kind"}, Aliases: []string{"类型", "组织类别"}, Kind: KindEnum, Required: true, Choices: OrgKindChoices, Example: "党支部"},
		{Key: "parent", Header: Label{"上级党组织编码", "Parent code"}, Aliases: []string{"上级党组织", "上级编码"}, Kind: KindCode, KeepCase: true,
			MaxLen: 32, Ref: "organization", Example: "DW-001", Note: Label{"顶级党委不填", "Empty for a top-level committee"}},
		{Key: "founded_on", Header: Label{"成立日期", "Founded"}, Kind: KindDate, Example: "2021-08-31"},
		{Key: "term_start", Header: Label{"本届任期开始", "Term started"}, Aliases: []string{"任期开始日期", "换届日期"}, Kind: KindDate, Example: "2023-07-01"},
		{Key: "term_years", Header: Label{"任期（年）", "Term (years)"}, Aliases: []string{"任期"}, Kind: KindInt, Min: 1, Max: 10, Example: "3",
			Note: Label{"不填按规定年限", "Empty: the rule's default"}},
		{Key: "village", Header: Label{"村（社区）组织", "Village or community"}, Aliases: []string{"是否村社区"}, Kind: KindBool, Example: "否"},
		{Key: "notes", Header: Label{"备注", "Notes"}, Kind: KindText, Multiline: true, MaxLen: 2000, Example: ""},
	},
}

// Members is the party member register.
var Members = &Spec{
	Name:  "members",
	Title: Label{"党员名册", "Party members"},
	Columns: []Column{
		{Key: "name", Header: Label{"姓名", "Name"}, Kind: KindText, Required: true, MaxLen: 32, Example: "李四"},
		{Key: "id_number", Header: Label{"身份证号", "ID number"}, Aliases: []string{"身份证号码", "公民身份号码", "证件号码"}, Kind: KindCode,
			Required: true, MaxLen: 18, NaturalKey: true, Example: exampleID, Note: Label{"18位，请将该列设为文本格式", "18 characters; keep the column in text format"}},
		{Key: "phone", Header: Label{"联系电话", "Phone"}, Aliases: []string{"手机号", "手机号码", "电话"}, Kind: KindCode, MaxLen: 20, Example: "13800000000"},
		{Key: "ethnicity", Header: Label{"民族", "Ethnicity"}, Kind: KindText, MaxLen: 16, Example: "汉族"},
		{Key: "education", Header: Label{"学历", "Education"}, Kind: KindEnum, Choices: EducationChoices, Example: "大学本科"},
		{Key: "category", Header: Label{"党员类别", "Category"}, Aliases: []string{"人员类别", "类别"}, Kind: KindEnum, Required: true, Choices: MemberCategoryChoices, Example: "正式党员"},
		{Key: "applied_on", Header: Label{"申请入党日期", "Applied on"}, Kind: KindDate, Example: "2012-03-01"},
		{Key: "activist_on", Header: Label{"确定为积极分子日期", "Activist since"}, Kind: KindDate, Example: "2012-09-01"},
		{Key: "candidate_on", Header: Label{"确定为发展对象日期", "Candidate since"}, Kind: KindDate, Example: "2013-09-01"},
		{Key: "admitted_on", Header: Label{"接收为预备党员日期", "Admitted on"}, Aliases: []string{"入党日期"}, Kind: KindDate, Example: "2014-07-01"},
		{Key: "full_on", Header: Label{"转为正式党员日期", "Full membership on"}, Aliases: []string{"转正日期"}, Kind: KindDate, Example: "2015-07-01"},
		{Key: "status", Header: Label{"党籍状态", "Membership status"}, Kind: KindEnum, Choices: MemberStatusChoices, Example: "正常",
			Note: Label{"不填为正常", "Empty: normal"}},
		{Key: "mobile", Header: Label{"流动党员", "Mobile member"}, Aliases: []string{"是否流动党员"}, Kind: KindBool, Example: "否"},
		{Key: "org", Header: Label{"所在党组织编码", "Organization code"}, Aliases: []string{"所在党组织", "党组织编码"}, Kind: KindCode, KeepCase: true,
			Required: true, MaxLen: 32, Ref: "organization", Example: "DZB-001"},
		{Key: "enterprise", Header: Label{"工作单位统一社会信用代码", "Employer's unified social credit code"},
			Aliases: []string{"工作单位信用代码", "单位信用代码"}, Kind: KindCode, MaxLen: 18, Ref: "enterprise", Example: exampleUSCC},
		{Key: "position_kind", Header: Label{"岗位类别", "Position"}, Kind: KindEnum, Choices: PositionKindChoices, Example: "技术人员"},
	},
}

// Surveys is the 党员排摸 register (no natural key: a person may be
// surveyed more than once).
var Surveys = &Spec{
	Name:  "surveys",
	Title: Label{"党员排摸", "Member survey"},
	Columns: []Column{
		{Key: "name", Header: Label{"姓名", "Name"}, Kind: KindText, Required: true, MaxLen: 32, Example: "王五"},
		{Key: "phone", Header: Label{"联系电话", "Phone"}, Aliases: []string{"手机号", "手机号码", "电话"}, Kind: KindCode, MaxLen: 20, Example: "13900000000"},
		{Key: "enterprise", Header: Label{"所在企业信用代码", "Enterprise credit code"}, Aliases: []string{"企业信用代码", "统一社会信用代码"},
			Kind: KindCode, Required: true, MaxLen: 18, Ref: "enterprise", Example: exampleUSCC},
		{Key: "category", Header: Label{"党员类别", "Category"}, Aliases: []string{"类别"}, Kind: KindEnum, Required: true, Choices: MemberCategoryChoices, Example: "正式党员"},
		{Key: "relation_place", Header: Label{"组织关系所在地", "Where the relationship is"}, Aliases: []string{"组织关系所在党组织"}, Kind: KindText, MaxLen: 100, Example: "江西省上饶市某村党支部"},
		{Key: "willingness", Header: Label{"转入意愿", "Willingness to move"}, Aliases: []string{"意愿"}, Kind: KindEnum, Choices: WillingnessChoices, Example: "考虑中",
			Note: Label{"不填为未表态", "Empty: unknown"}},
		{Key: "notes", Header: Label{"备注", "Notes"}, Kind: KindText, Multiline: true, MaxLen: 2000, Example: ""},
		{Key: "surveyed_on", Header: Label{"排摸日期", "Surveyed on"}, Kind: KindDate, Example: "2026-03-15", Note: Label{"不填为导入当天", "Empty: the day of the import"}},
	},
}

// OutputValues are monthly enterprise output values in 万元, from the
// statistics office: one row per enterprise and month.
var OutputValues = &Spec{
	Name:  "output_values",
	Title: Label{"企业月度产值", "Monthly output values"},
	Columns: []Column{
		{Key: "enterprise", Header: Label{"统一社会信用代码", "Unified social credit code"}, Aliases: []string{"信用代码", "企业信用代码", "USCC"},
			Kind: KindCode, Required: true, MaxLen: 18, NaturalKey: true, Ref: "enterprise", Example: exampleUSCC},
		{Key: "month", Header: Label{"月份", "Month"}, Aliases: []string{"统计月份", "年月"}, Kind: KindMonth, Required: true, NaturalKey: true, Example: "2026-01"},
		{Key: "value", Header: Label{"产值（万元）", "Output value (10k yuan)"}, Aliases: []string{"产值", "工业总产值", "工业总产值（万元）", "output value"},
			Kind: KindDecimal, Required: true, Scale: 4, Min: 0, Max: 1e11, Example: "1234.56", Note: Label{"单位：万元", "In 10,000 yuan"}},
		{Key: "orders", Header: Label{"订单额（万元）", "Orders (10k yuan)"}, Aliases: []string{"订单额", "订单金额", "新增订单", "orders"},
			Kind: KindDecimal, Scale: 4, Min: 0, Max: 1e11, Example: "", Note: Label{"选填，单位：万元", "Optional, in 10,000 yuan"}},
	},
}
