package mapping

import "regexp"

// Template is one version of an official form: how to recognise it in a
// workbook and where each of its named fields, tables and repeated blocks
// live. It is read from a template version's mapping.yaml; the comments on
// its fields are the documentation of that file.
type Template struct {
	// ID names the form across its versions, e.g. "hubei-dept". It is the
	// first part of `--template ID@VERSION`.
	ID string `mapstructure:"id"`

	// Version names this layout of the form, e.g. "2022". Versions of one ID
	// compare as strings of equal length, so use years or zero-padded numbers.
	Version string `mapstructure:"version"`

	// Title is the form's Chinese name as printed on it.
	Title string `mapstructure:"title"`

	// Sheet is the name of the sheet that holds the form in the official
	// template. A workbook whose sheet was renamed is still read: the first
	// sheet on which every Detect label is found is used instead.
	Sheet string `mapstructure:"sheet"`

	// Detect lists labels that together identify this form; name labels
	// only this form has (for a 项目支出绩效自评表: 全年执行数, 实际完成值,
	// 分值, 得分), so that a look-alike form lacking them is refused. A sheet
	// is of this template when every one of them stands as a cell of its own
	// (the cell's whole text, or the label followed by "：", "(" or "/"),
	// and every table's header cells stand in one row: a sheet quoting the
	// labels in sentences (填表说明) is not a form.
	Detect []string `mapstructure:"detect"`

	// DetectAbsent lists texts that must not occur in any cell of the sheet
	// (matched as contained): they mark a different form that carries the
	// same labels, such as 执行监控表 for a 项目支出 自评表.
	DetectAbsent []string `mapstructure:"detect_absent"`

	// DetectTitle, when set, is a regular expression one of the sheet's
	// first five rows with text must match (on the text with white space
	// removed and full-width forms folded), e.g. `项目支出绩效自评表$`.
	DetectTitle string `mapstructure:"detect_title"`

	// Identity names the fields that identify a submission in the store.
	Identity Identity `mapstructure:"identity"`

	// Upgrade says how data of an earlier version carries over to this one
	// (regenerate onto a new version).
	Upgrade Upgrade `mapstructure:"upgrade"`

	// Fields are single values of the form outside any block.
	Fields []Field `mapstructure:"fields"`

	// Tables are repeating tables outside any block.
	Tables []Table `mapstructure:"tables"`

	// Blocks are regions repeated a variable number of times, each with its
	// own fields and tables (e.g. one per 年度目标).
	Blocks []Block `mapstructure:"blocks"`

	// Rules are the validation settings and checks of this version.
	Rules Rules `mapstructure:"rules"`

	compiled map[*Field]*regexp.Regexp
	titleRE  *regexp.Regexp
	checks   []*compiledCheck
	// hiddenNames says the checks' programs read the environment names of
	// compileExpr; rowCols are the columns they read as row.NAME.
	hiddenNames bool
	rowCols     []string
}

// Upgrade declares how the data of an earlier version of the same template
// becomes data of this version. Fields, tables, blocks and columns whose
// names did not change carry over as they are.
type Upgrade struct {
	// From is the earlier version this one upgrades (e.g. "2022").
	From string `mapstructure:"from"`
	// Renamed maps new names to old ones: a field "new: old", a column
	// "table.new: table.old".
	Renamed map[string]string `mapstructure:"renamed"`
	// Defaults gives the text of fields (or columns, as table.column) that
	// the earlier version did not have.
	Defaults map[string]string `mapstructure:"defaults"`
	// Dropped lists the earlier version's fields (or table.column) this one
	// no longer has; their data is not carried (and is reported).
	Dropped []string `mapstructure:"dropped"`
}

// Identity names the fields that say whose form it is and for which year.
type Identity struct {
	// Unit lists fields holding the unit's (预算单位) name; the first that is
	// not empty wins.
	Unit Strings `mapstructure:"unit"`
	// Year lists fields holding the year; the first that is not empty wins
	// (a number, or a date's year).
	Year Strings `mapstructure:"year"`
	// Subject, when set, is a field telling apart several submissions of one
	// unit and year, such as the project of a 项目支出绩效自评表.
	Subject string `mapstructure:"subject"`
	// Score is the field holding the form's 总分, kept for reports.
	Score string `mapstructure:"score"`
}

// Field binds one typed value to a cell of the form. Exactly one of Cell and
// Label locates it.
type Field struct {
	// Name identifies the field in extracted data: lower-case ASCII letters,
	// digits and underscores, unique within its template (or block).
	Name string `mapstructure:"name"`

	// Title is the field's Chinese caption, used in messages.
	Title string `mapstructure:"title"`

	// Type says how the text is read and normalised: text, amount, percent,
	// count, date, indicator, score, number or heading. Default text.
	Type Type `mapstructure:"type"`

	// Unit is the unit an amount is expressed in on this form: 万元 (the
	// default) or 元. Values typed with the other unit are converted.
	Unit string `mapstructure:"unit"`

	// Required marks a cell that must not be empty.
	Required bool `mapstructure:"required"`

	// Optional marks a field whose label a workbook may lack (a second
	// place the value may be written, such as the unit and year in a
	// title): when it is not found, or its Pattern does not match, it has
	// no value and nothing is reported.
	Optional bool `mapstructure:"optional"`

	// Cell is a fixed cell reference such as "B3". Use it only where the
	// form never moves; prefer Label.
	Cell string `mapstructure:"cell"`

	// Label is the text of the label cell that locates the value; several
	// alternatives may be given (the first one found wins). Labels are
	// compared after normalising white space, line breaks and full-width
	// forms. When no cell is the label (Match exact, Dir right or below),
	// a cell that starts with the label and a colon holds the value itself
	// ("单位名称：武汉市…", "评价单位：裕安区民政局 评价年度：2020"): the text
	// after the colon, up to the next "label：" in the cell.
	Label Strings `mapstructure:"label"`

	// Match says how Label is compared with a cell: exact (the default),
	// prefix or contains.
	Match MatchMode `mapstructure:"match"`

	// Nth picks the Nth occurrence (1-based) of the label in reading order
	// when it appears more than once. Default 1.
	Nth int `mapstructure:"nth"`

	// Dir is where the value is relative to its label: right (the default;
	// the first cell right of the label's merged range), below (the first
	// cell under it), or self (the label cell itself, used with Pattern).
	Dir Direction `mapstructure:"dir"`

	// Column, with Label, reads the cell at the row of the label and the
	// column of the header cell whose text is Column (the nearest such header
	// above the label's row). It reads cross tables such as a budget block.
	Column Strings `mapstructure:"column"`

	// Pattern is a regular expression applied to the located cell's text
	// with full-width forms folded to half-width (so "：" is written ":",
	// "（" is "("), and "." matching line breaks too; its first group is the
	// value, taken from the original text. Use it for values written inside
	// a label cell, e.g. `一般公共预算:\s*(.*)` with Dir self. When it
	// matches with an empty group (a label cell "填报日期：" with the date
	// typed in the next cell), the cell right of the label is read instead.
	Pattern string `mapstructure:"pattern"`
}

// Table is a repeating table found by its header labels.
type Table struct {
	// Name identifies the table in extracted data.
	Name string `mapstructure:"name"`

	// Title is the table's Chinese caption.
	Title string `mapstructure:"title"`

	// Columns bind header texts to typed values. The header row is the first
	// row (in the table's region) holding every column's header that is not
	// Optional.
	Columns []Column `mapstructure:"columns"`

	// Stop lists labels (matched as prefix on the first non-empty cell of a
	// row) that end the table, e.g. 总分 or 偏差大或目标未完成原因分析. A
	// footer line (填表人, 联系电话, 填报日期…), a note (备注, 注：) and the end
	// of the region end it too; blank rows inside it do not.
	Stop []string `mapstructure:"stop"`

	// Key names the column that must be non-empty for a row to count; rows
	// in which it is empty but other non-fill-down columns are not are kept
	// too, so that a missing key is reported rather than dropped.
	Key string `mapstructure:"key"`

	// MinRows is how many rows the blank template offers; the table must
	// have at least one header match in the template. Informational.
	MinRows int `mapstructure:"min_rows"`
}

// Column binds one column of a Table.
type Column struct {
	// Name identifies the column in extracted rows.
	Name string `mapstructure:"name"`

	// Title is the column's Chinese caption.
	Title string `mapstructure:"title"`

	// Header is the header text of the column; alternatives may be given.
	Header Strings `mapstructure:"header"`

	// Match says how Header is compared: exact (the default), prefix or
	// contains.
	Match MatchMode `mapstructure:"match"`

	// Type is the value type, as for Field.
	Type Type `mapstructure:"type"`

	// Unit is the amount unit, as for Field.
	Unit string `mapstructure:"unit"`

	// Required marks a column that must not be empty on any row.
	Required bool `mapstructure:"required"`

	// FillDown fills an empty cell from the merged range covering it or,
	// when not merged, from the row above (merged 一级/二级 columns).
	FillDown bool `mapstructure:"filldown"`

	// Optional columns may be missing from a workbook's header.
	Optional bool `mapstructure:"optional"`
}

// Block is a region repeated once per occurrence of its start label.
type Block struct {
	// Name identifies the block list in extracted data.
	Name string `mapstructure:"name"`

	// Title is the block's Chinese caption.
	Title string `mapstructure:"title"`

	// Start is the label (matched as prefix) whose every occurrence starts a
	// block; a block runs until the next occurrence or an End label.
	Start Strings `mapstructure:"start"`

	// End lists labels (prefix) that end the last block.
	End []string `mapstructure:"end"`

	// Fields are read within each block's rows.
	Fields []Field `mapstructure:"fields"`

	// Tables are read within each block's rows.
	Tables []Table `mapstructure:"tables"`
}

// Strings is a list of strings that may be written in YAML as one string.
type Strings []string

// MatchMode says how a label is compared with a cell's text.
type MatchMode string

// Match modes.
const (
	MatchExact    MatchMode = "exact"
	MatchPrefix   MatchMode = "prefix"
	MatchContains MatchMode = "contains"
)

// Direction says where a value lies relative to its label.
type Direction string

// Directions.
const (
	DirRight Direction = "right"
	DirBelow Direction = "below"
	DirSelf  Direction = "self"
)

// Type is a value type of a field or column.
type Type string

// Value types.
const (
	TypeText      Type = "text"
	TypeAmount    Type = "amount"
	TypePercent   Type = "percent"
	TypeCount     Type = "count"
	TypeDate      Type = "date"
	TypeIndicator Type = "indicator"
	TypeScore     Type = "score"
	TypeNumber    Type = "number"
	TypeHeading   Type = "heading"
)
