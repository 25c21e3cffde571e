package template

// minsheng2020 is a placeholder until the form is laid out.
var minsheng2020 = &Form{ID: "minsheng-score", Version: "2020", Sheet: "绩效评价得分表", layout: func(*sheetWriter, *Data) {}}
