package template

// nationalProject2020 is a placeholder until the form is laid out.
var nationalProject2020 = &Form{ID: "national-project", Version: "2020", Sheet: "项目支出绩效自评表", layout: func(*sheetWriter, *Data) {}}
