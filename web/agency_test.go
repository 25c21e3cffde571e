package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/internal/testkit"
	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/template"
	"github.com/jxsync/jxsync/web"
)

func TestAgencyUploadFlow(t *testing.T) {
	e := newEnv(t, web.Options{})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	c := e.login("jz")
	ctx := context.Background()

	// A workbook with an error: stored, and its findings shown at once.
	wb := testkit.Example(t, jiuzhuXLSX)
	res, body := c.upload("/upload", "蔡甸救助站.xlsx", wb, true, false)
	wantStatus(t, "upload", res, body, http.StatusOK)
	mustContain(t, body, "已保存，但有错误需修改", "工作表：部门整体绩效自评表", ">B19<", "偏差大或目标未完成原因分析", "38人次",
		">B4<", "110.36", "下载标注问题的工作簿")
	id := firstRevision(t, body)

	// The annotated workbook marks the findings on a first sheet.
	res, ann := c.get("/revisions/" + id + "/annotated")
	wantStatus(t, "annotated", res, ann, http.StatusOK)
	if cd := res.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename*=UTF-8''%E8%94%A1%E7%94%B8`) || !strings.Contains(cd, "attachment;") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	awb, err := e.svc.Reader.Read("annotated.xlsx", ann)
	if err != nil {
		t.Fatal(err)
	}
	if awb.Sheets[0].Name != "校验结果" {
		t.Errorf("annotated first sheet = %q", awb.Sheets[0].Name)
	}

	// The original comes back byte for byte; the regenerated workbook reads
	// as the same submission.
	res, orig := c.get("/revisions/" + id + "/original")
	wantStatus(t, "original", res, orig, http.StatusOK)
	if !bytes.Equal(orig, wb) {
		t.Error("original differs from the upload")
	}
	res, exp := c.get("/revisions/" + id + "/export")
	wantStatus(t, "export", res, exp, http.StatusOK)
	rep, err := e.svc.Validate("export.xlsx", exp, "")
	if err != nil {
		t.Fatal(err)
	}
	if !propsRead(t, e) {
		t.Log("skipping the export's identity check: the reader does not return custom properties")
	} else if rep.Result.Props[mapping.PropRevision] != id {
		t.Errorf("export props = %v", rep.Result.Props)
	}

	// The blank template of the year (pre-filled: see TestBlankPrefilled).
	res, blank := c.get("/blank?template=hubei-dept&year=2022")
	wantStatus(t, "blank", res, blank, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Errorf("blank content type %q", ct)
	}
	for q, want := range map[string]int{"template=nope&year=2022": 404, "template=hubei-dept&year=abc": 400, "template=hubei-dept&year=2019": 200} {
		res, body := c.get("/blank?" + q)
		wantStatus(t, "blank "+q, res, body, want)
	}

	// The corrected workbook (the reason given) is a new revision without
	// errors; the home page shows the history and the status.
	fixed := hubeiWorkbook(t, corrected)
	res, body = c.upload("/upload", "蔡甸救助站-修改.xlsx", fixed, true, false)
	wantStatus(t, "corrected upload", res, body, http.StatusOK)
	mustContain(t, body, "已保存（新修订）", `class="n-errors">0<`)
	mustNotContain(t, body, ">B19<")
	res, body = c.get("/agency")
	wantStatus(t, "home", res, body, http.StatusOK)
	mustContain(t, body, "已提交", "第 2 版", "历史：", "第 1 版")

	// The same file again changes nothing.
	res, body = c.upload("/api/upload", "again.xlsx", fixed, false, true)
	wantStatus(t, "API upload again", res, body, http.StatusOK)
	var up struct {
		Result struct {
			Status   string `json:"status"`
			Revision int64  `json:"revision"`
		} `json:"result"`
		Findings     []mapping.Finding `json:"findings"`
		AnnotatedURL string            `json:"annotated_url"`
	}
	if err := json.Unmarshal(body, &up); err != nil || up.Result.Status != store.OutcomeUnchanged || up.AnnotatedURL == "" {
		t.Errorf("API upload again: %v %s", err, body)
	}
	h, _ := e.db.History(ctx, unitJiuzhu)
	if len(h) != 2 {
		t.Errorf("%d revisions stored, want 2", len(h))
	}
}

func TestUploadRefused(t *testing.T) {
	e := newEnv(t, web.Options{MaxUploadBytes: 64 << 10})
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	e.addUser("mz", store.RoleAgency, unitMinzh)
	ctx := context.Background()
	jz, mz := e.login("jz"), e.login("mz")

	// Another unit's workbook: refused, nothing stored.
	res, body := mz.upload("/upload", "jiuzhu.xlsx", testkit.Example(t, jiuzhuXLSX), true, false)
	wantStatus(t, "another unit's workbook", res, body, http.StatusForbidden)
	mustContain(t, body, "不是本单位")
	if _, err := e.db.History(ctx, unitJiuzhu); err == nil {
		t.Error("another unit's workbook was stored")
	}

	// Not a workbook, empty, too large.
	res, body = jz.upload("/upload", "报表.xlsx", []byte("这不是工作簿"), true, false)
	wantStatus(t, "not a workbook", res, body, http.StatusUnprocessableEntity)
	mustContain(t, body, "无法读取", "不是Excel工作簿")
	res, body = jz.upload("/upload", "空.xlsx", nil, true, false)
	wantStatus(t, "empty", res, body, http.StatusBadRequest)
	res, body = jz.upload("/api/upload", "big.xlsx", bytes.Repeat([]byte("x"), 65<<10), false, true)
	wantStatus(t, "too large", res, body, http.StatusRequestEntityTooLarge)
	mustContain(t, body, "文件过大")
	res, body = jz.do("POST", "/upload", "text/plain", strings.NewReader("x"))
	wantStatus(t, "not multipart", res, body, http.StatusForbidden) // no token can be found in it

	// A workbook generated from another unit's submission, with this unit's
	// name written in: refused (it would become a revision of theirs).
	mzRev := e.importFile("hubei-dept/2022/examples/caidian-minzheng-2022.xlsx")
	if mzRev.Revision == 0 {
		t.Fatalf("import: %+v", mzRev)
	}
	rev, _ := e.db.Revision(ctx, mzRev.Revision)
	data, _ := e.db.Data(ctx, mzRev.Revision)
	for _, k := range []string{"unit_name", "header_unit"} {
		if v, ok := data.Fields[k]; ok {
			v.Raw, v.Text = unitJiuzhu, unitJiuzhu
			data.Fields[k] = v
		}
	}
	tm, _ := mapping.Find(e.reg.Templates, "hubei-dept@2022")
	forged, err := template.Export(tm, data, map[string]string{mapping.PropSubmission: strconv.FormatInt(rev.SubmissionID, 10),
		mapping.PropRevision: strconv.FormatInt(rev.ID, 10), mapping.PropTemplate: "hubei-dept", mapping.PropVersion: "2022"})
	if err != nil {
		t.Fatal(err)
	}
	res, body = jz.upload("/api/upload", "forged.xlsx", forged, false, true)
	if propsRead(t, e) {
		wantStatus(t, "generated from another unit's submission", res, body, http.StatusForbidden)
	}
	if h, _ := e.db.History(ctx, unitMinzh); len(h) != 1 {
		t.Errorf("another unit's submission got %d revisions", len(h))
	}
}

func TestConflict(t *testing.T) {
	e := newEnv(t, web.Options{})
	if !propsRead(t, e) {
		t.Skip("the reader does not return custom properties (template.Read): generated workbooks are not recognised")
	}
	e.addUser("jz", store.RoleAgency, unitJiuzhu)
	c := e.login("jz")
	_, body := c.upload("/upload", "v1.xlsx", testkit.Example(t, jiuzhuXLSX), true, false)
	id := firstRevision(t, body)
	_, v1 := c.get("/revisions/" + id + "/export")

	// Two edits of the same download: the first is a new revision, the
	// second a conflict, not stored.
	edit := func(reason string) []byte {
		rep, err := e.svc.Validate("v1.xlsx", v1, "")
		if err != nil {
			t.Fatal(err)
		}
		v := rep.Result.Fields["deviation_reason"]
		v.Raw, v.Text = reason, reason
		rep.Result.Fields["deviation_reason"] = v
		tm, _ := mapping.Find(e.reg.Templates, "hubei-dept@2022")
		b, err := template.Export(tm, rep.Result, rep.Result.Props)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	res, body := c.upload("/upload", "a.xlsx", edit("救助人次减少"), true, false)
	wantStatus(t, "first edit", res, body, http.StatusOK)
	mustContain(t, body, "已保存（新修订）")
	res, body = c.upload("/upload", "b.xlsx", edit("另一种说法"), true, false)
	wantStatus(t, "second edit", res, body, http.StatusConflict)
	mustContain(t, body, "版本冲突，未保存", "另一种说法", "救助人次减少")
	if h, _ := e.db.History(context.Background(), unitJiuzhu); len(h) != 2 {
		t.Errorf("%d revisions, want 2", len(h))
	}
}

func TestNoStoredTextUnescaped(t *testing.T) {
	e := newEnv(t, web.Options{})
	const evil = `<script>alert("x")</script>救助站`
	e.addUser("evil", store.RoleAgency, evil)
	e.addUser("cz", store.RoleBureau, "")
	c := e.login("evil")
	wb := hubeiWorkbook(t, func(d *template.Data) {
		forUnit(evil)(d)
		// The missed indicator's name is quoted in the finding's message.
		d.Blocks["goals"][0].Tables["indicators"][0]["level3"] = `<script>alert("y")</script>人次`
	})
	res, body := c.upload("/upload", `<img src=x onerror=alert(1)>.xlsx`, wb, true, false)
	wantStatus(t, "upload", res, body, http.StatusOK)
	id := firstRevision(t, body)
	pages := map[string][]byte{"upload result": body}
	_, pages["agency home"] = c.get("/agency")
	_, pages["revision"] = c.get("/revisions/" + id)
	cz := e.login("cz")
	sub := subOf(t, e, mustInt(t, id))
	// A form with errors cannot be reviewed: the corrected one is returned.
	res, body = c.upload("/upload", "corrected.xlsx", hubeiWorkbook(t, func(d *template.Data) {
		forUnit(evil)(d)
		corrected(d)
	}), true, false)
	wantStatus(t, "corrected upload", res, body, http.StatusOK)
	res, body = cz.postForm("/submissions/"+sub+"/review", url.Values{"status": {"returned"}, "comment": {`<script>alert("z")</script>`}}, true)
	wantStatus(t, "review", res, body, http.StatusSeeOther)
	_, pages["dashboard"] = cz.get("/bureau?template=hubei-dept&year=2022")
	_, pages["revision with review"] = c.get("/revisions/" + id)
	for name, p := range pages {
		if bytes.Contains(p, []byte("<script>alert")) || bytes.Contains(p, []byte("<img src=x")) {
			t.Errorf("%s renders stored text unescaped:\n%s", name, clip(p))
		}
		if !bytes.Contains(p, []byte("&lt;script&gt;alert")) {
			t.Errorf("%s lacks the escaped text", name)
		}
	}
	mustContain(t, pages["revision with review"], "&lt;script&gt;alert(&#34;z&#34;)")
	// Downloads never carry the name's markup or path in the header.
	res, _ = c.get("/revisions/" + id + "/original")
	if cd := res.Header.Get("Content-Disposition"); strings.ContainsAny(strings.SplitN(cd, "filename*=", 2)[0], "<>") {
		t.Errorf("Content-Disposition = %q", cd)
	}
}

func mustInt(t testing.TB, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// propsRead reports whether the workbook reader returns custom document
// properties, by which a generated workbook is recognised.
func propsRead(t testing.TB, e *env) bool {
	t.Helper()
	tm, _ := mapping.Find(e.reg.Templates, "hubei-dept@2022")
	rep, err := e.svc.Validate("x.xlsx", testkit.Example(t, jiuzhuXLSX), "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := template.Export(tm, rep.Result, map[string]string{mapping.PropRevision: "1"})
	if err != nil {
		t.Fatal(err)
	}
	wb, err := e.svc.Reader.Read("x.xlsx", b)
	return err == nil && wb.Props[mapping.PropRevision] == "1"
}
