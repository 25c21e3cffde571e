package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/jxsync/jxsync/store"
)

// UnitStore is what the units suite needs: the registry and the records
// whose submissions name units.
type UnitStore interface {
	store.Units
	store.Records
}

// Units runs the shared suite of store.Units implementations. open returns
// an empty store.
func Units(t *testing.T, open func(t *testing.T) UnitStore) {
	ctx := context.Background()
	roster := func() []*store.Unit {
		return []*store.Unit{
			{Code: "100", Name: "某市财政局"},
			{Code: "101", Name: "某市教育局", Parent: "100", Aliases: []string{"市教育局"}},
			{Code: "101001", Name: "某市第一中学", Parent: "101", Aliases: []string{"一中", "第一中学"}},
		}
	}
	save := func(t *testing.T, s UnitStore, units []*store.Unit) store.UnitChanges {
		t.Helper()
		ch, err := s.SaveUnits(ctx, units)
		if err != nil {
			t.Fatal(err)
		}
		return ch
	}
	t.Run("SaveAndFind", func(t *testing.T) {
		s := open(t)
		if reg, err := s.Registered(ctx); err != nil || reg {
			t.Fatalf("empty store registered: %v %v", reg, err)
		}
		if ch := save(t, s, roster()); ch != (store.UnitChanges{Added: 3}) {
			t.Errorf("first save: %+v", ch)
		}
		if reg, err := s.Registered(ctx); err != nil || !reg {
			t.Fatalf("registered after save: %v %v", reg, err)
		}
		for _, key := range []string{"101001", "某市第一中学", "一中", "第一中学"} {
			u, err := s.Unit(ctx, key)
			if err != nil {
				t.Fatalf("unit %s: %v", key, err)
			}
			if u.Code != "101001" || u.Parent != "101" || !u.Registered || len(u.Aliases) != 2 {
				t.Errorf("unit %s: %+v", key, u)
			}
		}
		if _, err := s.Unit(ctx, "某市第二中学"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown unit: %v, want ErrNotFound", err)
		}
		units, err := s.Units(ctx)
		if err != nil || len(units) != 3 || units[0].Code != "100" || units[2].Code != "101001" {
			t.Fatalf("units: %v %+v", err, units)
		}
	})
	t.Run("ReimportUpdates", func(t *testing.T) {
		s := open(t)
		save(t, s, roster())
		r := roster()
		r[2].Name = "某市第一高级中学"
		r[2].Aliases = []string{"一高"}
		r[1].Parent = ""
		if ch := save(t, s, r); ch != (store.UnitChanges{Updated: 2, Unchanged: 1}) {
			t.Errorf("re-import: %+v", ch)
		}
		u, err := s.Unit(ctx, "一中")
		if err != nil || u.Name != "某市第一高级中学" || len(u.Aliases) != 3 {
			t.Errorf("renamed unit keeps its aliases and gains the new: %v %+v", err, u)
		}
		if u, err := s.Unit(ctx, "101"); err != nil || u.Parent != "" {
			t.Errorf("parent removed: %v %+v", err, u)
		}
		if ch := save(t, s, r); ch != (store.UnitChanges{Unchanged: 3}) {
			t.Errorf("same roster again: %+v", ch)
		}
	})
	t.Run("NameOrAliasOfAnother", func(t *testing.T) {
		s := open(t)
		save(t, s, roster())
		_, err := s.SaveUnits(ctx, []*store.Unit{{Code: "102", Name: "一中"}})
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("a name that is another unit's alias: %v, want ErrExists", err)
		}
		_, err = s.SaveUnits(ctx, []*store.Unit{{Code: "102", Name: "某市第二中学", Aliases: []string{"某市教育局"}}})
		if !errors.Is(err, store.ErrExists) {
			t.Errorf("an alias that is another unit's name: %v, want ErrExists", err)
		}
		if _, err := s.Unit(ctx, "102"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed save adds nothing: %v", err)
		}
	})
	t.Run("AddAlias", func(t *testing.T) {
		s := open(t)
		save(t, s, roster())
		if err := s.AddAlias(ctx, "101001", "蔡甸一中"); err != nil {
			t.Fatal(err)
		}
		if u, err := s.Unit(ctx, "蔡甸一中"); err != nil || u.Code != "101001" {
			t.Errorf("alias: %v %+v", err, u)
		}
		if err := s.AddAlias(ctx, "101", "蔡甸一中"); !errors.Is(err, store.ErrExists) {
			t.Errorf("alias of another unit: %v, want ErrExists", err)
		}
		if err := s.AddAlias(ctx, "999", "某某"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("alias of no unit: %v, want ErrNotFound", err)
		}
	})
	t.Run("Replaces", func(t *testing.T) {
		s := open(t)
		nr := &store.NewRevision{Unit: "一中", TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "表",
			Year: 2024, BlobHash: store.Hash([]byte("r")), FileName: "r.xlsx", Size: 1, UploadedBy: "t", Status: store.StatusValid}
		revs, _, err := s.AddRevisions(ctx, []*store.NewRevision{nr})
		if err != nil {
			t.Fatal(err)
		}
		r := roster()
		r[2].Aliases = nil
		r[2].Replaces = "一中"
		if ch := save(t, s, r); ch != (store.UnitChanges{Added: 2, Updated: 1}) {
			t.Errorf("roster replacing a typed unit: %+v", ch)
		}
		got, err := s.Revision(ctx, revs[0].ID)
		if err != nil || got.UnitCode != "101001" || got.Unit != "某市第一中学" {
			t.Errorf("the typed unit's revision after the roster: %v %+v", err, got)
		}
		if u, err := s.Unit(ctx, "一中"); err != nil || u.Code != "101001" {
			t.Errorf("the typed name is the roster unit's alias: %v %+v", err, u)
		}
	})
	t.Run("TypedNameBecomesRosterUnit", func(t *testing.T) {
		s := open(t)
		nr := &store.NewRevision{Unit: "某市第一中学", TemplateID: "hubei-dept", TemplateVersion: "2022", TemplateTitle: "表",
			Year: 2024, BlobHash: store.Hash([]byte("a")), FileName: "a.xlsx", Size: 1, UploadedBy: "t", Status: store.StatusValid}
		revs, _, err := s.AddRevisions(ctx, []*store.NewRevision{nr})
		if err != nil {
			t.Fatal(err)
		}
		auto := revs[0].UnitCode
		if auto == "" || revs[0].Unit != "某市第一中学" {
			t.Fatalf("unit created from a name has a generated code: %+v", revs[0])
		}
		if reg, _ := s.Registered(ctx); reg {
			t.Error("a unit created from a name is not a roster")
		}
		if ch := save(t, s, roster()); ch != (store.UnitChanges{Added: 2, Updated: 1}) {
			t.Errorf("roster over a typed unit: %+v", ch)
		}
		r, err := s.Revision(ctx, revs[0].ID)
		if err != nil || r.UnitCode != "101001" {
			t.Errorf("the typed unit's revision now belongs to the roster unit: %v %+v", err, r)
		}
		nr2 := *nr
		nr2.Unit, nr2.UnitCode, nr2.BlobHash = "一中", "101001", store.Hash([]byte("b"))
		revs, _, err = s.AddRevisions(ctx, []*store.NewRevision{&nr2})
		if err != nil || revs[0].UnitCode != "101001" || revs[0].Unit != "某市第一中学" || revs[0].Seq != 2 {
			t.Errorf("filed by code: %v %+v", err, revs[0])
		}
		nr3 := nr2
		nr3.UnitCode, nr3.BlobHash = "999", store.Hash([]byte("c"))
		if _, _, err := s.AddRevisions(ctx, []*store.NewRevision{&nr3}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("filed under no unit: %v, want ErrNotFound", err)
		}
	})
}
