package mapping

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoad loads every testdata/load/*.yaml: a file whose first line is
// "# want: TEXT" must fail with an error containing TEXT and the file name;
// the others must load.
func TestLoad(t *testing.T) {
	files, err := filepath.Glob("testdata/load/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(string(src), "\n")
			want, isBad := strings.CutPrefix(first, "# want: ")
			tpl, err := Load(name, src)
			switch {
			case isBad && err == nil:
				t.Fatalf("loaded; want error containing %q", want)
			case isBad && (!strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), name)):
				t.Fatalf("error %q; want it to contain %q and the file name", err, want)
			case !isBad && err != nil:
				t.Fatal(err)
			case !isBad && len(tpl.Fields) == 0:
				t.Fatal("no fields loaded")
			}
		})
	}
}

func TestLoadStringsList(t *testing.T) {
	tpl, err := Load("x.yaml", []byte("id: t\nversion: '1'\ndetect: [x]\nfields:\n  - {name: a, label: 甲}\n  - {name: b, label: [乙, 丙]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.Fields[0].Label) != 1 || tpl.Fields[0].Label[0] != "甲" || len(tpl.Fields[1].Label) != 2 {
		t.Errorf("labels = %q, %q", tpl.Fields[0].Label, tpl.Fields[1].Label)
	}
}

func TestLoadDottedUpgradeKeys(t *testing.T) {
	src, err := os.ReadFile("testdata/load/good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := Load("good.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	if got := tpl.Upgrade.Renamed["rows.new"]; got != "rows.old" {
		t.Errorf("renamed[rows.new] = %q (keys %v)", got, tpl.Upgrade.Renamed)
	}
	if got := tpl.Upgrade.Defaults["rows.new"]; got != "x" {
		t.Errorf("defaults[rows.new] = %q", got)
	}
}
