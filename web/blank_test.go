package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/web"
)

// TestBlankPrefilled: an agency's blank form of a year comes with its unit
// and the year filled in, and on request with last year's indicators and
// targets; the bureau's is the template as shipped.
func TestBlankPrefilled(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("cz", store.RoleBureau, "")
	jz, cz := e.login("jz"), e.login("cz")

	// Pre-filled: the workbook reads back as the unit's form of the year.
	res, blank := jz.get("/blank?template=national-dept&year=2025")
	wantStatus(t, "blank", res, blank, http.StatusOK)
	got, err := e.svc.Extract("blank.xlsx", blank, "")
	if err != nil {
		t.Fatal(err)
	}
	tm, _ := mapping.Find(e.reg.Templates, got.Template+"@"+got.Version)
	if unit, year, _ := tm.Who(got); got.Template != "national-dept" || unit != unitJiuzhu || year != 2025 {
		t.Errorf("blank reads as %s@%s of %q %d", got.Template, got.Version, unit, year)
	}
	if len(got.Tables["indicators"]) != 0 {
		t.Errorf("blank without last year has %d indicator rows", len(got.Tables["indicators"]))
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, "2025") {
		t.Errorf("Content-Disposition = %q", cd)
	}

	// With last year's plan: nothing of 2022 stored yet, then the 2022 form.
	res, body := jz.get("/blank?template=hubei-dept&year=2023&last_year=1")
	wantStatus(t, "no last year", res, body, http.StatusNotFound)
	mustContain(t, body, "库中没有本单位 2022 年度的《部门整体绩效自评表》填报")
	e.importWorkbook("救助站.xlsx", hubeiWorkbook(t, corrected))
	res, body = jz.get("/agency")
	wantStatus(t, "agency page", res, body, http.StatusOK)
	mustContain(t, body, `name="last_year" value="1"`, `href="/blank?last_year=1&amp;template=hubei-dept&amp;year=2023"`, "2023 年度部门整体绩效自评表")
	res, carried := jz.get("/blank?template=hubei-dept&year=2023&last_year=1")
	wantStatus(t, "last year", res, carried, http.StatusOK)
	got, err = e.svc.Extract("carried.xlsx", carried, "")
	if err != nil {
		t.Fatal(err)
	}
	tm, _ = mapping.Find(e.reg.Templates, got.Template+"@"+got.Version)
	if unit, year, _ := tm.Who(got); got.Version != "2023" || unit != unitJiuzhu || year != 2023 {
		t.Errorf("carried blank reads as %s@%s of %q %d", got.Template, got.Version, unit, year)
	}
	var rows []mapping.Row
	for _, b := range got.Blocks["goals"] {
		rows = append(rows, b.Tables["indicators"]...)
	}
	if len(rows) != 10 {
		t.Fatalf("%d indicator rows carried, want 10", len(rows))
	}
	for _, r := range rows {
		if r.Value("level3").Empty() || r.Value("target").Empty() || !r.Value("actual").Empty() {
			t.Errorf("row %d: level3 %q target %q actual %q", r.Row, r.Value("level3").Raw, r.Value("target").Raw, r.Value("actual").Raw)
		}
	}
	if rows[0].Value("target").Raw != "100人次" {
		t.Errorf("first target %q, want last year's 100人次", rows[0].Value("target").Raw)
	}

	// The bureau has no unit: the template as shipped.
	res, plain := cz.get("/blank?template=hubei-dept&year=2022")
	wantStatus(t, "bureau blank", res, plain, http.StatusOK)
	tm, _ = mapping.Find(e.reg.Templates, "hubei-dept@2022")
	want, _ := e.reg.Blank(tm)
	if !bytes.Equal(plain, want) {
		t.Error("the bureau's blank differs from the registry's")
	}
}
