package mapping

// Result is what Extract reads from one workbook.
type Result struct {
	// Template and Version identify the mapping used.
	Template string `json:"template"`
	Version  string `json:"version"`
	// File is the workbook's file name.
	File string `json:"file,omitempty"`
	// Sheet is the sheet the form was read from.
	Sheet string `json:"sheet"`
	// Fields holds the single values by field name.
	Fields map[string]Value `json:"fields"`
	// Tables holds each table's rows by table name.
	Tables map[string][]Row `json:"tables"`
	// Blocks holds each repeated block's instances by block name.
	Blocks map[string][]BlockResult `json:"blocks,omitempty"`
	// Problems lists bindings that could not be resolved in this workbook.
	Problems []Problem `json:"problems,omitempty"`
	// Uncached lists the form sheet's cells (A1) whose formula has no
	// calculated value: they read as empty.
	Uncached []string `json:"uncached,omitempty"`
	// Props are the workbook's custom document properties (the identity
	// jxsync wrote into a workbook it generated).
	Props map[string]string `json:"props,omitempty"`
}

// BlockResult is one instance of a repeated block.
type BlockResult struct {
	// Row is the 1-based sheet row of the block's start label.
	Row    int              `json:"row"`
	Fields map[string]Value `json:"fields"`
	Tables map[string][]Row `json:"tables"`
}

// Problem is a binding of the mapping that did not resolve in a workbook:
// a label or header that was not found, a pattern that did not match.
type Problem struct {
	// Code is a stable identifier: label-not-found, header-not-found,
	// pattern-no-match, table-gap.
	Code string `json:"code"`
	// Path is the binding, e.g. "fields.unit_name" or "blocks.goals[1].tables.indicators".
	Path string `json:"path"`
	// Cell is Sheet!A1 where there is one.
	Cell string `json:"cell,omitempty"`
	// Message explains it in Chinese and English.
	Message string `json:"message"`
}
