package web

import (
	"archive/zip"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// Content types of downloads.
const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	zipType  = "application/zip"
)

// downloadBlank sends the blank workbook of a template for a year
// (?template=ID&year=YYYY; without year the newest version). For an agency
// and a year the form comes with its unit and the year filled in, and with
// last_year=1 with the plan (goals, indicators, targets) of its submission
// of the year before (subject= chooses among several projects).
func (s *Server) downloadBlank(rq *request) error {
	if s.opts.Blank == nil {
		return &httpError{http.StatusNotFound, "未配置空白模板 (no blank templates)"}
	}
	q := rq.r.URL.Query()
	year := 0
	if y := q.Get("year"); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil || year < 1900 || year > 3000 {
			return badRequest("年度无效：%q (bad year)", y)
		}
	}
	t, err := s.versionFor(q.Get("template"), year)
	if err != nil {
		return err
	}
	if (rq.user.Role == roleAgency || rq.user.Role == roleDepartment) && year != 0 && s.svc.Exporter != nil {
		return s.prefilledBlank(rq, t, year, q.Get("last_year") == "1", q.Get("subject"))
	}
	data, err := s.opts.Blank(t.ID, t.Version)
	if err != nil {
		return err
	}
	name := t.Title + "-空白模板.xlsx"
	if year != 0 {
		name = fmt.Sprintf("%s-%d年度-空白模板.xlsx", t.Title, year)
	}
	send(rq.w, name, xlsxType, data)
	return nil
}

// prefilledBlank sends the agency's blank form of t for year, its unit and
// the year filled in (sync.Service.Blank), with last year's plan when asked.
func (s *Server) prefilledBlank(rq *request, t *mapping.Template, year int, lastYear bool, subject string) error {
	unit := s.ownUnitName(rq.ctx(), rq.user)
	b, err := s.svc.Blank(rq.ctx(), t, sync.BlankOptions{Unit: unit, Year: year, LastYear: lastYear, Subject: subject})
	switch {
	case lastYear && errors.Is(err, store.ErrNotFound):
		return &httpError{http.StatusNotFound, fmt.Sprintf("库中没有本单位 %d 年度的《%s》填报，无法带入上年指标；请不带上年指标下载 (no submission of %d to carry)",
			year-1, t.Title, year-1)}
	case errors.Is(err, sync.ErrSeveralSubmissions):
		return badRequest("本单位 %d 年度有多个《%s》填报，请在“本单位填报”页面选择要带入的项目 (several submissions of %d; choose one)",
			year-1, t.Title, year-1)
	case err != nil:
		return err
	}
	name := fmt.Sprintf("%s-%s-%d年度.xlsx", t.Title, unit, year)
	if subject != "" {
		name = fmt.Sprintf("%s-%s-%s-%d年度.xlsx", t.Title, unit, subject, year)
	}
	send(rq.w, name, xlsxType, b.Data)
	return nil
}

// downloadOriginal sends a revision's original file, hash-verified.
func (s *Server) downloadOriginal(rq *request) error {
	rev, err := s.revisionFor(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	_, data, err := s.svc.Original(rq.ctx(), rev.ID)
	if err != nil {
		return err
	}
	if err := s.svc.Record(rq.ctx(), sync.UserActor(rq.ctx(), rq.user), store.ActionDownload, rev.UnitCode, rev.ID,
		"original "+rev.FileName); err != nil {
		return err // an original leaves only with its entry
	}
	send(rq.w, originalName(rev), contentTypeOf(rev.FileName), data)
	return nil
}

// downloadExport sends the workbook regenerated from a revision's data,
// marked with where it came from so that a re-upload is a new revision.
func (s *Server) downloadExport(rq *request) error {
	rev, err := s.revisionFor(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	if s.svc.Exporter == nil {
		return &httpError{http.StatusNotImplemented, "未配置导出 (no exporter)"}
	}
	data, _, err := s.svc.Export(rq.ctx(), rev.ID)
	if err != nil {
		return err
	}
	send(rq.w, exportName(rev), xlsxType, data)
	return nil
}

// downloadAnnotated sends a revision's original with its findings marked
// (reading it in turn with uploads).
func (s *Server) downloadAnnotated(rq *request) error {
	rev, err := s.revisionFor(rq, rq.r.PathValue("id"))
	if err != nil {
		return err
	}
	if s.svc.Annotator == nil {
		return &httpError{http.StatusNotImplemented, "未配置批注 (no annotator)"}
	}
	_, findings, _, err := s.findings(rq.ctx(), rev)
	if err != nil {
		return err
	}
	_, data, err := s.svc.Original(rq.ctx(), rev.ID)
	if err != nil {
		return err
	}
	release, err := s.reading(rq.ctx(), data)
	if err != nil {
		return err
	}
	out, err := s.svc.Annotator.Annotate(data, findings)
	release()
	if err != nil {
		return fmt.Errorf("annotate revision %d: %w", rev.ID, err)
	}
	base := strings.TrimSuffix(originalName(rev), path.Ext(originalName(rev)))
	send(rq.w, base+".校验.xlsx", xlsxType, out)
	return nil
}

// downloadZip sends, for a template and year (?template=&year=), the
// original and the regenerated workbook of every submission's latest
// revision (filtered as the dashboard is). It is streamed: a failure to read
// an original aborts the connection, so that a truncated archive is never
// taken for a whole one; a workbook that cannot be regenerated is listed in
// a note instead.
func (s *Server) downloadZip(rq *request) error {
	d, err := s.dashboard(rq)
	if err != nil {
		return err
	}
	var revs []*store.Revision
	for _, r := range d.Rows {
		if r.Latest != nil {
			revs = append(revs, r.Latest)
		}
	}
	if len(revs) == 0 {
		return &httpError{http.StatusNotFound, "该年度没有填报 (no submissions)"}
	}
	zipName := fmt.Sprintf("%s-%d年度-全部填报.zip", d.Title, d.Year)
	if err := s.svc.RecordRevisions(rq.ctx(), sync.UserActor(rq.ctx(), rq.user), store.ActionDownload, revs,
		func(rev *store.Revision) string { return "original " + rev.FileName + " in " + zipName }); err != nil {
		return err // originals leave only with their entries
	}
	setAttachment(rq.w, zipName, zipType)
	zw := zip.NewWriter(rq.w)
	abort := func(err error) {
		s.log.Error("web: zip", "template", d.Template, "year", d.Year, "err", err)
		panic(http.ErrAbortHandler)
	}
	var missing []string
	for _, rev := range revs {
		_, data, err := s.svc.Original(rq.ctx(), rev.ID)
		if err != nil {
			abort(err)
		}
		if err := addZip(zw, rev, "原件/"+stem(rev)+"-"+originalName(rev), data); err != nil {
			abort(err)
		}
		if s.svc.Exporter == nil {
			continue
		}
		out, _, err := s.svc.Export(rq.ctx(), rev.ID)
		if err != nil {
			// The original is there; say which workbook could not be made.
			s.log.Warn("web: zip: export", "revision", rev.ID, "err", err)
			missing = append(missing, fmt.Sprintf("%s：%v", exportName(rev), err))
			continue
		}
		if err := addZip(zw, rev, "导出/"+exportName(rev), out); err != nil {
			abort(err)
		}
	}
	if len(missing) > 0 {
		note := "以下工作簿未能生成（原件已包含）：\r\n" + strings.Join(missing, "\r\n") + "\r\n"
		if err := addZip(zw, revs[0], "未能生成的工作簿.txt", []byte(note)); err != nil {
			abort(err)
		}
	}
	if err := zw.Close(); err != nil {
		abort(err)
	}
	return nil
}

func addZip(zw *zip.Writer, rev *store.Revision, name string, data []byte) error {
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: rev.UploadedAt})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// downloadReport sends the consolidated report of a template and year.
func (s *Server) downloadReport(rq *request) error {
	if s.svc.Reporter == nil {
		return &httpError{http.StatusNotImplemented, "汇总报表尚未配置 (no reporter)"}
	}
	d, err := s.dashboard(rq)
	if err != nil {
		return err
	}
	latest, err := s.svc.Records.Latest(rq.ctx(), d.Template)
	if err != nil {
		return err
	}
	tasks, err := s.svc.TaskUnits(rq.ctx(), d.Template, d.Year)
	if err != nil {
		return err
	}
	var expected []string // nil: the summary takes the tasks
	if len(tasks) == 0 {
		if expected, err = s.expectedUnits(rq.ctx(), d.Template, d.Year, latest); err != nil {
			return err
		}
		if expected == nil {
			expected = []string{}
		}
	}
	under := strings.TrimSpace(rq.r.URL.Query().Get("under"))
	sum, err := s.svc.SummaryUnder(rq.ctx(), d.Template, d.Year, expected, under)
	if errors.Is(err, store.ErrNotFound) {
		return badRequest("没有单位 %q，或尚未导入单位名册 (no such department)", under)
	}
	if err != nil {
		return err
	}
	out, err := s.svc.Report(sum)
	if err != nil {
		return err
	}
	send(rq.w, fmt.Sprintf("%s-%d年度-汇总.xlsx", d.Title, d.Year), xlsxType, out)
	return nil
}

// send answers a file download.
func send(w http.ResponseWriter, name, ctype string, data []byte) {
	setAttachment(w, name, ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// setAttachment sets the headers of a download named name: a sanitized
// ASCII filename for old clients and the UTF-8 name (RFC 5987) for others.
func setAttachment(w http.ResponseWriter, name, ctype string) {
	name = safeFileName(name, "download")
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, asciiName(name), encode5987(name)))
}

// safeFileName keeps the last element of a name (no folders, whichever the
// separator), without control characters, quotes or characters Windows
// refuses, at most 120 characters (keeping the extension); def when
// nothing is left.
func safeFileName(name, def string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r) || strings.ContainsRune(`"<>:|?*`+"`", r):
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if name == "" {
		return def
	}
	if r := []rune(name); len(r) > 120 {
		ext := []rune(path.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(r[:120-len(ext)]) + string(ext)
	}
	return name
}

// asciiName is the fallback filename: non-ASCII runs become _.
func asciiName(name string) string {
	var b strings.Builder
	under := false
	for _, r := range name {
		if r < 0x80 && r > 0x1f && r != '"' && r != '\\' && r != '%' && r != ';' {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	out := b.String()
	if strings.Trim(strings.TrimSuffix(out, path.Ext(out)), "_ ") == "" {
		return "download" + path.Ext(out)
	}
	return out
}

// encode5987 percent-encodes name as an RFC 5987 ext-value.
func encode5987(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// contentTypeOf is the content type of a workbook file name.
func contentTypeOf(name string) string {
	switch strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/"))) {
	case ".xls":
		return "application/vnd.ms-excel"
	case ".xlsm":
		return "application/vnd.ms-excel.sheet.macroEnabled.12"
	}
	return xlsxType
}

// stem names a revision in file names: unit, subject, year, revision.
func stem(rev *store.Revision) string {
	parts := []string{rev.Unit}
	if rev.Subject != "" {
		parts = append(parts, rev.Subject)
	}
	parts = append(parts, fmt.Sprintf("%d年度", rev.Year), fmt.Sprintf("修订%d", rev.Seq))
	name := strings.NewReplacer("/", "_", `\`, "_").Replace(strings.Join(parts, "-"))
	return safeFileName(name, fmt.Sprintf("revision-%d", rev.ID))
}

func originalName(rev *store.Revision) string { return safeFileName(rev.FileName, "original.xlsx") }

func exportName(rev *store.Revision) string { return stem(rev) + ".xlsx" }
