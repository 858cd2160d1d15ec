package tabular

import (
	"redgrid/internal/model"
	"redgrid/internal/rules"
)

// Export-only specs: registers that are listed and exported but never
// imported (transfers are a workflow, the audit log is append-only). They
// follow the import specs' conventions: keys are the JSON names, codes are
// KindCode (kept as text), closed lists are enums written as their labels.

var (
	TransferKindChoices = []Choice{
		{Code: model.TransferIn, Zh: "转入", En: "In"},
		{Code: model.TransferOut, Zh: "转出", En: "Out"},
		{Code: model.TransferWithin, Zh: "系统内转接", En: "Within the system"},
	}
	TransferStateChoices = []Choice{
		{Code: model.TransferInitiated, Zh: "已发起", En: "Initiated"},
		{Code: model.TransferApproved, Zh: "转出审批", En: "Approved"},
		{Code: model.TransferInTransit, Zh: "在途", En: "In transit"},
		{Code: model.TransferReceived, Zh: "已接收", En: "Received"},
		{Code: model.TransferReturned, Zh: "已退回", En: "Returned"},
		{Code: model.TransferCancelled, Zh: "已撤销", En: "Cancelled"},
	}
)

// Transfers is the 组织关系转接 list; the member's ID number is masked.
var Transfers = &Spec{
	Name:  "transfers",
	Title: Label{"组织关系转接", "Transfers"},
	Columns: []Column{
		{Key: "kind", Header: Label{"转接类型", "Kind"}, Kind: KindEnum, Choices: TransferKindChoices},
		{Key: "member_name", Header: Label{"姓名", "Name"}, Kind: KindText},
		{Key: "member_id_masked", Header: Label{"身份证号", "ID number"}, Kind: KindCode},
		{Key: "from_name", Header: Label{"转出党组织", "Sending organization"}, Kind: KindText, MaxLen: 100},
		{Key: "to_name", Header: Label{"转入党组织", "Receiving organization"}, Kind: KindText, MaxLen: 100},
		{Key: "letter_no", Header: Label{"介绍信编号", "Letter no."}, Kind: KindCode},
		{Key: "dues_paid_to", Header: Label{"党费交至", "Dues paid up to"}, Kind: KindMonth},
		{Key: "issued_on", Header: Label{"开具日期", "Issued on"}, Kind: KindDate},
		{Key: "valid_until", Header: Label{"有效期至", "Valid until"}, Kind: KindDate},
		{Key: "state", Header: Label{"状态", "State"}, Kind: KindEnum, Choices: TransferStateChoices},
		{Key: "expired", Header: Label{"已过期", "Expired"}, Kind: KindBool},
		{Key: "reason", Header: Label{"退回或撤销原因", "Reason returned or cancelled"}, Kind: KindText, MaxLen: 200},
	},
}

// AuditLog is the audit log as the administrator browses it (values in it
// are already masked).
var AuditLog = &Spec{
	Name:  "audit",
	Title: Label{"审计日志", "Audit log"},
	Columns: []Column{
		{Key: "seq", Header: Label{"序号", "No."}, Kind: KindInt},
		{Key: "at", Header: Label{"时间", "Time"}, Kind: KindText},
		{Key: "actor", Header: Label{"操作人", "Actor"}, Kind: KindText},
		{Key: "action", Header: Label{"操作", "Action"}, Kind: KindText},
		{Key: "entity", Header: Label{"对象", "Entity"}, Kind: KindText},
		{Key: "entity_id", Header: Label{"对象编号", "Entity id"}, Kind: KindInt},
		{Key: "reason", Header: Label{"原因", "Reason"}, Kind: KindText, MaxLen: 200},
		{Key: "ip", Header: Label{"IP 地址", "IP address"}, Kind: KindText},
		{Key: "before", Header: Label{"变更前", "Before"}, Kind: KindText, Multiline: true},
		{Key: "after", Header: Label{"变更后", "After"}, Kind: KindText, Multiline: true},
	},
}

// Safety record choices (安全生产), labels as the register shows them.
var (
	SafetyKindChoices = []Choice{
		{Code: model.SafetyInspection, Zh: "检查", En: "Inspection"},
		{Code: model.SafetyViolation, Zh: "违法违规/隐患", En: "Violation / hazard"},
		{Code: model.SafetyIncident, Zh: "事故", En: "Incident"},
	}
	SafetySeverityChoices = []Choice{
		{Code: rules.SeverityGeneral, Zh: "一般事故", En: "General"},
		{Code: rules.SeverityLarger, Zh: "较大事故", En: "Larger"},
		{Code: rules.SeverityMajor, Zh: "重大事故", En: "Major"},
		{Code: rules.SeverityEspeciallyMajor, Zh: "特别重大事故", En: "Especially major"},
	}
	HazardLevelChoices = []Choice{
		{Code: rules.HazardOrdinary, Zh: "一般隐患", En: "Ordinary hazard"},
		{Code: rules.HazardMajor, Zh: "重大隐患", En: "Major hazard"},
	}
)

// Safety is the safety register (安全生产) as listed; losses in 万元.
var Safety = &Spec{
	Name:  "safety",
	Title: Label{"安全生产台账", "Safety register"},
	Columns: []Column{
		{Key: "id", Header: Label{"编号", "No."}, Kind: KindInt},
		{Key: "occurred_on", Header: Label{"日期", "Date"}, Kind: KindDate},
		{Key: "kind", Header: Label{"类型", "Kind"}, Kind: KindEnum, Choices: SafetyKindChoices},
		{Key: "enterprise_name", Header: Label{"企业", "Enterprise"}, Kind: KindText},
		{Key: "grid_name", Header: Label{"网格", "Grid"}, Kind: KindText},
		{Key: "description", Header: Label{"情况描述", "Description"}, Kind: KindText, Multiline: true},
		{Key: "follow_up", Header: Label{"跟进措施", "Follow-up"}, Kind: KindText, Multiline: true},
		{Key: "severity", Header: Label{"事故等级", "Severity"}, Kind: KindEnum, Choices: SafetySeverityChoices},
		{Key: "deaths", Header: Label{"死亡人数", "Deaths"}, Kind: KindInt},
		{Key: "serious_injuries", Header: Label{"重伤人数", "Serious injuries"}, Kind: KindInt},
		{Key: "loss_wan", Header: Label{"直接经济损失（万元）", "Direct loss (10k yuan)"}, Kind: KindDecimal, Scale: 4},
		{Key: "hazard_level", Header: Label{"隐患等级", "Hazard level"}, Kind: KindEnum, Choices: HazardLevelChoices},
		{Key: "open", Header: Label{"未整改", "Open"}, Kind: KindBool},
		{Key: "rectified_on", Header: Label{"整改日期", "Rectified on"}, Kind: KindDate},
		{Key: "rectify_note", Header: Label{"整改情况", "Rectification"}, Kind: KindText, Multiline: true},
		{Key: "problem_id", Header: Label{"关联问题编号", "Problem no."}, Kind: KindInt},
	},
}

// ExportSpecs returns the specs of every exportable register, by name: the
// import specs and the export-only ones.
func ExportSpecs() map[string]*Spec {
	m := Specs()
	m[Transfers.Name] = Transfers
	m[AuditLog.Name] = AuditLog
	m[Safety.Name] = Safety
	return m
}
