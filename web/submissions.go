package web

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"github.com/jxsync/jxsync/mapping"
	"github.com/jxsync/jxsync/store"
	"github.com/jxsync/jxsync/sync"
)

// stateName is the word people read for a submission state.
func stateName(s string) string { return sync.StateWord(s) }

// submissionView is one submission with its revisions, newest first.
type submissionView struct {
	Latest    *store.Revision
	Revisions []*store.Revision
	State     string
	// Review is the review that decided State (nil when none).
	Review *store.Review
	// Title is the template's title.
	Title string
}

// ownUnitName is the name of the signed-in account's own unit: the
// registered name when its unit is a code of the registry, else the unit as
// stored.
func (s *Server) ownUnitName(ctx context.Context, u *store.User) string {
	if u == nil {
		return ""
	}
	if u.Unit == "" || s.svc.Units == nil {
		return u.Unit
	}
	if found, err := s.svc.Units.Unit(ctx, u.Unit); err == nil {
		return found.Name
	}
	return u.Unit
}

// submissionsOf returns a unit's submissions, newest year first.
func (s *Server) submissionsOf(ctx context.Context, unit string) ([]*submissionView, error) {
	revs, err := s.svc.Records.History(ctx, unit)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	bySub := map[int64]*submissionView{}
	var out []*submissionView
	for _, r := range revs {
		if r.SubmissionID == 0 {
			continue
		}
		sv := bySub[r.SubmissionID]
		if sv == nil {
			sv = &submissionView{Title: s.titleOf(r.TemplateID)}
			bySub[r.SubmissionID] = sv
			out = append(out, sv)
		}
		sv.Revisions = append([]*store.Revision{r}, sv.Revisions...)
		if sv.Latest == nil || r.Seq > sv.Latest.Seq {
			sv.Latest = r
		}
	}
	for _, sv := range out {
		reviews, err := s.svc.Users.Reviews(ctx, sv.Latest.SubmissionID)
		if err != nil {
			return nil, err
		}
		sv.State, sv.Review = sync.SubmissionState(sv.Latest, reviews)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Latest, out[j].Latest
		if a.Year != b.Year {
			return a.Year > b.Year
		}
		if a.TemplateID != b.TemplateID {
			return a.TemplateID < b.TemplateID
		}
		return a.Subject < b.Subject
	})
	return out, nil
}

// revisionFor returns a revision the user may see; another unit's is
// store.ErrNotFound.
func (s *Server) revisionFor(rq *request, idText string) (*store.Revision, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, fmt.Errorf("revision %q: %w", idText, store.ErrNotFound)
	}
	return s.svc.RevisionFor(rq.ctx(), rq.user, id)
}

// submissionFor returns the latest revision of a submission the user may
// see; another unit's is store.ErrNotFound.
func (s *Server) submissionFor(rq *request, idText string) (*store.Revision, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return nil, fmt.Errorf("submission %q: %w", idText, store.ErrNotFound)
	}
	latest, err := s.svc.Records.LatestOf(rq.ctx(), id)
	if err != nil {
		return nil, err
	}
	a, err := s.svc.AccessOf(rq.ctx(), rq.user)
	if err != nil {
		return nil, err
	}
	if !a.CanSee(latest) {
		return nil, fmt.Errorf("submission %d: %w", id, store.ErrNotFound)
	}
	return latest, nil
}

// templateOption is one template id offered in a choice.
type templateOption struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Versions []string `json:"versions"`
}

// templateOptions lists the template ids with their newest title.
func (s *Server) templateOptions() []templateOption {
	var out []templateOption
	idx := map[string]int{}
	for _, t := range s.svc.Templates {
		i, ok := idx[t.ID]
		if !ok {
			i = len(out)
			idx[t.ID] = i
			out = append(out, templateOption{ID: t.ID})
		}
		out[i].Title = t.Title // templates are sorted by version: the newest wins
		out[i].Versions = append(out[i].Versions, t.Version)
	}
	return out
}

// titleOf returns a template id's newest title (the id when unknown).
func (s *Server) titleOf(id string) string {
	if t, err := mapping.Find(s.svc.Templates, id); err == nil {
		return t.Title
	}
	return id
}

// titleOfVersion returns the title of a template version (the id's newest
// title when the version is unknown).
func (s *Server) titleOfVersion(id, version string) string {
	if t, err := mapping.Find(s.svc.Templates, id+"@"+version); err == nil {
		return t.Title
	}
	return s.titleOf(id)
}

// versionFor picks the template version for a year: the newest whose
// version (a year) is not after it, else the oldest; year 0 picks the
// newest.
func (s *Server) versionFor(id string, year int) (*mapping.Template, error) {
	var pick, oldest *mapping.Template
	for _, t := range s.svc.Templates {
		if t.ID != id {
			continue
		}
		if oldest == nil || t.Version < oldest.Version {
			oldest = t
		}
		v, err := strconv.Atoi(t.Version)
		if (year == 0 || err != nil || v <= year) && (pick == nil || t.Version > pick.Version) {
			pick = t
		}
	}
	if pick == nil {
		pick = oldest
	}
	if pick == nil {
		return nil, fmt.Errorf("template %q: %w", id, mapping.ErrNoTemplate)
	}
	return pick, nil
}
