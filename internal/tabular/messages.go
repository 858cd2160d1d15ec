package tabular

import (
	"errors"
	"fmt"
)

// Problem keys. Every problem the package reports is one of these i18n keys
// with its arguments; Messages holds the texts in both locales, to be merged
// into the catalogs when the package is wired in.
const (
	// Cell problems.
	ErrRequired     = "import.required"       // no args
	ErrTooLong      = "import.too_long"       // max characters
	ErrControlChar  = "import.control_char"   // position of the character (1-based)
	ErrBadEncoding  = "import.bad_encoding"   // no args: bytes that are not text
	ErrCodeAsNumber = "import.code_as_number" // the value as read
	ErrCodeSpace    = "import.code_space"     // no args: a space inside a code
	ErrInteger      = "import.integer"        // the value
	ErrNumber       = "import.number"         // the value
	ErrRange        = "import.range"          // min, max
	ErrDate         = "import.date"           // the value
	ErrDateInvalid  = "import.date_invalid"   // the value (a day that does not exist)
	ErrMonth        = "import.month"          // the value
	ErrBool         = "import.bool"           // the value
	ErrChoice       = "import.choice"         // the value
	ErrFormula      = "import.formula_error"  // the error value (#N/A, #REF!…)
	ErrDuplicateKey = "import.duplicate_key"  // the row number holding the same key first

	// File problems.
	ErrNoHeader        = "import.no_header"        // the expected headers, joined
	ErrMissingHeader   = "import.missing_header"   // the header
	ErrDuplicateHeader = "import.duplicate_header" // the header, its first column letter
	ErrTooManyRows     = "import.too_many_rows"    // the limit
	ErrTooLarge        = "import.too_large"        // the limit in megabytes
	ErrZipBomb         = "import.zip_bomb"         // no args
	ErrCorrupt         = "import.corrupt"          // no args: a damaged xlsx
	ErrNotSpreadsheet  = "import.not_spreadsheet"  // no args
	ErrNoSheet         = "import.no_sheet"         // no args: no visible worksheet
	ErrEmptyFile       = "import.empty"            // no args
	ErrMalformedCSV    = "import.malformed_csv"    // the line number

	// Texts of the error report.
	MsgErrorColumn = "import.error_column" // header of the added column
	MsgCellError   = "import.cell_error"   // row, column letter, header, reason
	MsgText        = "import.text"         // a reason rendered elsewhere (the registers' own messages)
	MsgRowError    = "import.row_error"    // row, reason (a row without a column)
	MsgYes         = "import.yes"
	MsgNo          = "import.no"
	MsgNotesSheet  = "import.notes_sheet"
	MsgNotesColumn = "import.notes_column"
	MsgNotesHeader = "import.notes_header"
	MsgNotesReq    = "import.notes_required"
	MsgNotesKind   = "import.notes_kind"
	MsgNotesValues = "import.notes_values"
	MsgNotesNote   = "import.notes_note"
	MsgNotesMax    = "import.notes_max"     // max characters
	MsgNotesKey    = "import.notes_natural" // "natural key" marker
	MsgTemplate    = "import.template_sheet"
	MsgDataSheet   = "import.data_sheet"
	MsgListsSheet  = "import.lists_sheet"

	MsgKindText    = "import.kind.text"
	MsgKindCode    = "import.kind.code"
	MsgKindInt     = "import.kind.int"
	MsgKindDecimal = "import.kind.decimal"
	MsgKindDate    = "import.kind.date"
	MsgKindMonth   = "import.kind.month"
	MsgKindBool    = "import.kind.bool"
	MsgKindEnum    = "import.kind.enum"
)

// Messages maps every key above to its zh-CN and English texts (fmt verbs
// identical in both), ready to be merged into internal/i18n/locales.
var Messages = map[string][2]string{
	ErrRequired:     {"必填", "Required"},
	ErrTooLong:      {"最多%d个字", "At most %d characters"},
	ErrControlChar:  {"第%d个字符是不可见的控制字符", "Character %d is an invisible control character"},
	ErrBadEncoding:  {"含有无法识别的字符，请确认文件编码", "Contains unreadable characters; check the file's encoding"},
	ErrCodeAsNumber: {"“%s”：长代码被表格软件转成了数字，请将该列设为文本格式后重新填写", "“%s”: the long code was turned into a number by the spreadsheet; format the column as text and enter it again"},
	ErrCodeSpace:    {"代码中不能有空格", "A code cannot contain spaces"},
	ErrInteger:      {"“%s”不是整数", "“%s” is not a whole number"},
	ErrNumber:       {"“%s”不是数字", "“%s” is not a number"},
	ErrRange:        {"应在%v到%v之间", "Must be between %v and %v"},
	ErrDate:         {"“%s”不是日期，请填写如2021-08-31", "“%s” is not a date; write it like 2021-08-31"},
	ErrDateInvalid:  {"“%s”：日期不存在", "“%s”: no such date"},
	ErrMonth:        {"“%s”不是月份，请填写如2021-08", "“%s” is not a month; write it like 2021-08"},
	ErrBool:         {"“%s”：请填写“是”或“否”", "“%s”: write Yes or No"},
	ErrChoice:       {"“%s”不是可选值，请从下拉列表中选择", "“%s” is not one of the choices; pick one from the list"},
	ErrFormula:      {"公式出错（%s）", "The formula gives an error (%s)"},
	ErrDuplicateKey: {"与第%d行重复", "Same as row %d"},

	ErrNoHeader:        {"未找到表头行，表头应为：%s", "No header row found; the headers are: %s"},
	ErrMissingHeader:   {"缺少必填列“%s”", "The required column “%s” is missing"},
	ErrDuplicateHeader: {"“%s”列重复（已在%s列）", "The column “%s” appears twice (already column %s)"},
	ErrTooManyRows:     {"超过%d行，请分批导入", "More than %d rows; import in parts"},
	ErrTooLarge:        {"文件超过%dMB", "The file is larger than %d MB"},
	ErrZipBomb:         {"文件解压后过大，已拒绝", "The file expands to too much data and was refused"},
	ErrCorrupt:         {"文件已损坏，无法读取，请在表格软件中另存为xlsx后重试", "The file is damaged; save it again as xlsx and retry"},
	ErrNotSpreadsheet:  {"不是xlsx或CSV文件", "Not an xlsx or CSV file"},
	ErrNoSheet:         {"文件中没有可见的工作表", "The file has no visible worksheet"},
	ErrEmptyFile:       {"文件中没有数据", "The file holds no data"},
	ErrMalformedCSV:    {"CSV文件第%d行格式错误", "The CSV file is malformed at line %d"},

	MsgErrorColumn: {"错误", "Errors"},
	MsgCellError:   {"第%d行%s列（%s）：%s", "Row %d, column %s (%s): %s"},
	MsgText:        {"%s", "%s"},
	MsgRowError:    {"第%d行：%s", "Row %d: %s"},
	MsgYes:         {"是", "Yes"},
	MsgNo:          {"否", "No"},
	MsgNotesSheet:  {"填写说明", "Notes"},
	MsgNotesColumn: {"列", "Column"},
	MsgNotesHeader: {"表头", "Header"},
	MsgNotesReq:    {"必填", "Required"},
	MsgNotesKind:   {"格式", "Format"},
	MsgNotesValues: {"可选值", "Choices"},
	MsgNotesNote:   {"说明", "Notes"},
	MsgNotesMax:    {"最多%d个字", "At most %d characters"},
	MsgNotesKey:    {"唯一标识，不能重复", "Identifies the row; must be unique"},
	MsgTemplate:    {"导入模板", "Template"},
	MsgDataSheet:   {"数据", "Data"},
	MsgListsSheet:  {"可选值", "Lists"},

	MsgKindText:    {"文本", "Text"},
	MsgKindCode:    {"代码（文本格式）", "Code (text format)"},
	MsgKindInt:     {"整数", "Whole number"},
	MsgKindDecimal: {"数字", "Number"},
	MsgKindDate:    {"日期，如2021-08-31", "Date, like 2021-08-31"},
	MsgKindMonth:   {"月份，如2021-08", "Month, like 2021-08"},
	MsgKindBool:    {"是/否", "Yes/No"},
	MsgKindEnum:    {"从下拉列表选择", "Pick from the list"},
}

// Problem is a reason with its i18n key and arguments. Normalizers and
// Open return it as their error; Message renders it.
type Problem struct {
	Key  string
	Args []any
}

func (p *Problem) Error() string { return Message("en", p.Key, p.Args...) }

func problem(key string, args ...any) *Problem { return &Problem{Key: key, Args: args} }

// ProblemOf returns the Problem inside err, or nil.
func ProblemOf(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return nil
}

// Message renders key with args in lang ("zh-CN" or "en"; anything else is
// zh-CN). An unknown key renders as itself.
func Message(lang, key string, args ...any) string {
	m, ok := Messages[key]
	if !ok {
		return key
	}
	t := m[0]
	if lang == "en" {
		t = m[1]
	}
	if len(args) == 0 {
		return t
	}
	return fmt.Sprintf(t, args...)
}
