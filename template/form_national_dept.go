package template

// nationalDept2024 is a placeholder until the form is laid out.
var nationalDept2024 = &Form{ID: "national-dept", Version: "2024", Sheet: "整体支出绩效自评表", layout: func(*sheetWriter, *Data) {}}
