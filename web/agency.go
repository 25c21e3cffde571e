package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/sync"
)

// agencyHomeData is the agency start page.
type agencyHomeData struct {
	Unit        string
	Submissions []*submissionView
	// Unidentified are the unit's uploads whose unit or year could not be
	// read, newest first.
	Unidentified []*unidentifiedView
	Templates    []templateOption
	Years        []int
	Year         int
	Blank        bool
	// Carry offers, per submission of the unit with none the year after,
	// the next year's form with its plan carried over.
	Carry []carryLink
}

// carryLink is the next year's blank form of a submission, with its goals,
// indicators and targets.
type carryLink struct {
	// Title is the template's title, Subject the project (or "").
	Title, Subject string
	// From is the submission's year, Year the form's.
	From, Year int
	// URL downloads it.
	URL string
}

// carryLinks offers, for each submission of subs whose template and
// subject have no submission the year after, that year's form with its
// plan, up to next year.
func carryLinks(subs []*submissionView, now int) []carryLink {
	type key struct {
		id, subject string
		year        int
	}
	have := map[key]bool{}
	for _, sv := range subs {
		have[key{sv.Latest.TemplateID, sv.Latest.Subject, sv.Latest.Year}] = true
	}
	var out []carryLink
	for _, sv := range subs {
		l := sv.Latest
		if have[key{l.TemplateID, l.Subject, l.Year + 1}] || l.Year+1 > now+1 {
			continue
		}
		q := url.Values{"template": {l.TemplateID}, "year": {strconv.Itoa(l.Year + 1)}, "last_year": {"1"}}
		if l.Subject != "" {
			q.Set("subject", l.Subject)
		}
		out = append(out, carryLink{Title: sv.Title, Subject: l.Subject, From: l.Year, Year: l.Year + 1, URL: "/blank?" + q.Encode()})
	}
	return out
}

// agencyHome shows the unit's submissions and its uploads that could not be
// filed, the blank template download and the upload form.
func (s *Server) agencyHome(rq *request) error {
	unit := s.ownUnitName(rq.ctx(), rq.user)
	subs, err := s.submissionsOf(rq.ctx(), unit)
	if err != nil {
		return err
	}
	unident, err := s.unidentified(rq)
	if err != nil {
		return err
	}
	now := s.opts.Now().Year()
	d := &agencyHomeData{Unit: unit, Submissions: subs, Unidentified: unident, Templates: s.templateOptions(),
		Year: now - 1, Blank: s.opts.Blank != nil}
	if d.Blank && s.svc.Exporter != nil {
		d.Carry = carryLinks(subs, now)
	}
	for y := now; y >= now-6; y-- {
		d.Years = append(d.Years, y)
	}
	s.render(rq.w, http.StatusOK, "agency", s.pageFor(rq, "本单位填报", d))
	return nil
}

// uploadView is the result of one upload: the first form's result at the
// top (as before workbooks held several forms) and every form's in Forms.
type uploadView struct {
	// File is the name it was received under.
	File string `json:"file"`
	formView
	// Forms has one entry per form of the workbook, in sheet order.
	Forms []*formView `json:"forms"`
}

// formView is the result of one form of an upload.
type formView struct {
	// Sheet is the sheet the form was read from, Title its template's
	// title (both empty when the workbook could not be read).
	Sheet string `json:"sheet,omitempty"`
	Title string `json:"title,omitempty"`
	// Result says what was stored (nil when nothing could be read).
	Result *sync.ImportResult `json:"result"`
	// Findings are the validation's findings, one per cell; Groups are the
	// lines people read, by sheet, linked to the cells on the revision page.
	Findings []mapping.Finding `json:"findings"`
	Groups   []sheetFindings   `json:"-"`
	Errors   int               `json:"errors"`
	Warnings int               `json:"warnings"`
	// Visible says the stored revision can be opened by the uploader (and
	// its annotated workbook downloaded).
	Visible bool `json:"-"`
	// Message says why nothing was stored, when so; Text is it as pages
	// show it (Server.plain).
	Message string `json:"message,omitempty"`
	Text    string `json:"-"`
	// Links to the stored revision and its annotated workbook.
	RevisionURL  string `json:"revision_url,omitempty"`
	AnnotatedURL string `json:"annotated_url,omitempty"`
}

// uploadForm receives a workbook from the upload form and shows the result.
func (s *Server) uploadForm(rq *request) error {
	name, data, err := s.receive(rq)
	if err != nil {
		return err
	}
	v, status, err := s.upload(rq, name, data)
	if err != nil {
		return err
	}
	s.render(rq.w, status, "upload", s.pageFor(rq, "上传结果", v))
	return nil
}

// receive reads the one file of a multipart upload, within the size limit,
// and checks the form's CSRF token. No file chosen and an empty file are
// told apart.
func (s *Server) receive(rq *request) (string, []byte, error) {
	rq.r.Body = http.MaxBytesReader(rq.w, rq.r.Body, s.opts.MaxUploadBytes)
	mr, err := rq.r.MultipartReader()
	if err != nil {
		return "", nil, badRequest("请以 multipart/form-data 上传文件 (send multipart/form-data)")
	}
	var (
		name, token string
		data        []byte
		got         bool
	)
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
		}
		switch p.FormName() {
		case "csrf":
			b, err := io.ReadAll(io.LimitReader(p, 256))
			if err != nil {
				return "", nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
			}
			token = string(b)
		case "file":
			if got {
				return "", nil, badRequest("一次只能上传一个文件 (one file at a time)")
			}
			got, name = true, p.FileName()
			if data, err = io.ReadAll(p); err != nil {
				return "", nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
			}
		default:
			if _, err := io.Copy(io.Discard, p); err != nil {
				return "", nil, tooLargeOr(err, badRequest("上传内容无效 (bad multipart body)"))
			}
		}
	}
	if err := rq.checkCSRF(token); err != nil {
		return "", nil, err
	}
	// A form sent with no file chosen has a file part without a name.
	if !got || name == "" && len(data) == 0 {
		return "", nil, badRequest("请选择要上传的工作簿文件 (no file)")
	}
	name = safeFileName(name, "上传.xlsx")
	if len(data) == 0 {
		return "", nil, badRequest("文件为空：“%s”的大小为 0 字节，请检查文件后重新上传 (empty file)", name)
	}
	return name, data, nil
}

// tooLargeOr returns err when it is the size limit's, else other.
func tooLargeOr(err, other error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return other
}

// upload validates and stores a workbook for the user and says what
// happened, with the status to answer with. An account sends at most
// UploadLimit uploads a window (429), and the workbook waits for a turn to
// be read (503 when none comes). It is validated first by sync.Upload
// (reading it checks its size, format and expansion before anything else),
// which refuses an agency a workbook in which any form is another unit's
// or was generated from another unit's submission.
func (s *Server) upload(rq *request, name string, data []byte) (*uploadView, int, error) {
	if err := s.admitUpload(rq); err != nil {
		return nil, 0, err
	}
	release, err := s.reading(rq.ctx(), data)
	if err != nil {
		return nil, 0, err
	}
	defer release()
	v := &uploadView{File: name, Forms: []*formView{}}
	v.Findings = []mapping.Finding{}
	start := time.Now()
	irs, reps, err := s.svc.Upload(rq.ctx(), rq.user, name, data)
	if errors.Is(err, sync.ErrForbidden) || len(irs) == 0 {
		if err == nil {
			err = fmt.Errorf("upload %s: no result", name)
		}
		return nil, 0, err
	}
	if reps == nil { // not a readable workbook: nothing was stored
		v.Forms = append(v.Forms, s.formOf(irs[0], irs[0].FirstError))
		s.finish(v)
		return v, http.StatusUnprocessableEntity, nil
	}
	if err != nil {
		s.log.Error("web: upload", "user", rq.user.Name, "file", name, "err", err, "took", time.Since(start))
		for _, ir := range irs {
			v.Forms = append(v.Forms, s.formOf(ir, "保存失败，请稍后重试 (the store failed; try again)"))
		}
		s.finish(v)
		return v, http.StatusInternalServerError, nil
	}
	// A form stored makes the upload a success (each form says what became
	// of it); when none was, the worst form's status answers.
	status, stored := http.StatusOK, false
	for i, ir := range irs {
		f, st := s.formResult(rq, ir, reps[i])
		v.Forms = append(v.Forms, f)
		if st > status {
			status = st
		}
		if st == http.StatusOK && ir.Revision != 0 {
			stored = true
		}
	}
	if stored {
		status = http.StatusOK
	}
	s.finish(v)
	return v, status, nil
}

// finish words the forms' messages for pages and puts the first form at
// the top.
func (s *Server) finish(v *uploadView) {
	for _, f := range v.Forms {
		f.Text = s.plain(f.Message)
	}
	v.formView = *v.Forms[0]
}

// formOf starts the view of one form's result, with a message.
func (s *Server) formOf(ir *sync.ImportResult, msg string) *formView {
	v := &formView{Sheet: ir.Sheet, Result: ir, Findings: []mapping.Finding{}, Message: msg}
	if ir.Template != "" {
		v.Title = s.titleOfVersion(ir.Template, ir.Version)
	}
	return v
}

// formResult is the view of one stored form, with the status it calls for.
func (s *Server) formResult(rq *request, ir *sync.ImportResult, rep *sync.Report) (*formView, int) {
	v := s.formOf(ir, "")
	v.Findings = append(v.Findings, rep.Findings...)
	if ir.Unit == "" && ir.Revision != 0 && !mapping.HasRule(v.Findings, mapping.RuleIdentity) {
		v.Findings = append(v.Findings, sync.IdentityFinding(rep.Sheet))
	}
	v.Errors, v.Warnings = countFindings(v.Findings)
	status := http.StatusOK
	switch ir.Outcome {
	case sync.OutcomeUnreadable:
		v.Message, status = ir.FirstError, http.StatusUnprocessableEntity
	case sync.OutcomeDuplicate:
		v.Message = ir.FirstError
	case sync.OutcomePending:
		v.Message = fmt.Sprintf("待确认单位：表中填写的单位“%s”与单位名单中的单位对不上，文件已保存（修订 %d），等待财政确认归入哪个单位。"+
			" (the typed unit matches no registered unit; kept, waiting for the bureau to assign it)", ir.Unit, ir.Revision)
	case sync.OutcomeConflict:
		v.Message = fmt.Sprintf("该文件由较早的修订生成，而库中已有更新的修订 %d，有 %d 处不同：未保存。请下载最新版本后再修改上传。"+
			" (generated from an older revision; not stored)", ir.Revision, len(ir.Changes))
		if len(ir.Changes) == 0 && ir.FirstError != "" {
			v.Message = ir.FirstError
		}
		status = http.StatusConflict
	}
	if ir.Revision != 0 {
		if _, err := s.svc.RevisionFor(rq.ctx(), rq.user, ir.Revision); err == nil {
			prefix := ""
			if rq.api {
				prefix = "/api"
			}
			v.RevisionURL = fmt.Sprintf("%s/revisions/%d", prefix, ir.Revision)
			if ir.Outcome != sync.OutcomeConflict {
				v.Visible, v.AnnotatedURL = true, v.RevisionURL+"/annotated"
			}
		}
	}
	v.Groups = s.lines(v.Findings, s.linkInRevision(v, rep))
	return v, status
}

// linkInRevision returns the link of a cell to its value on the stored
// revision's page, when the uploader may open it and the page shows the
// cell.
func (s *Server) linkInRevision(v *formView, rep *sync.Report) func(sheet, cell string) string {
	none := func(sheet, cell string) string { return "" }
	if !v.Visible || rep.Result == nil {
		return none
	}
	t, err := mapping.Find(s.svc.Templates, rep.Template+"@"+rep.Version)
	if err != nil {
		return none
	}
	in := valuesOf(t, rep.Result).mark(rep.Sheet, nil)
	return func(sheet, cell string) string {
		if a := in(sheet, cell); a != "" {
			return v.RevisionURL + a
		}
		return ""
	}
}
