package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jxsync/jxsync/mapping"
)

// jx runs the CLI in a temporary working directory and returns its exit
// code, stdout and stderr.
func jx(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--data-dir", t.TempDir()}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

const hubeiExample = "../../templates/hubei-dept/2022/examples/caidian-jiuzhu-2022.xlsx"

func TestExtractJSON(t *testing.T) {
	code, out, errs := jx(t, "extract", "--json", hubeiExample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res mapping.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if res.Template != "hubei-dept" || res.Version != "2022" {
		t.Errorf("template = %s@%s", res.Template, res.Version)
	}
	if v := res.Fields["budget"]; v.Number == nil || *v.Number != 110.36 || v.Cell == "" {
		t.Errorf("budget = %+v", v)
	}
	if rows := res.Blocks["goals"][0].Tables["indicators"]; len(rows) != 10 {
		t.Errorf("indicator rows = %d, want 10", len(rows))
	}
}

func TestExtractHuman(t *testing.T) {
	code, out, errs := jx(t, "extract", hubeiExample)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"hubei-dept@2022", "单位名称 (unit_name) 部门整体绩效自评表!B3: 武汉市蔡甸区救助管理站", "110.36 万元", "年度绩效目标完成情况 (indicators): 10 行"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestExtractBadFiles(t *testing.T) {
	dir := t.TempDir()
	notWB := filepath.Join(dir, "报表.xlsx")
	os.WriteFile(notWB, []byte("这不是工作簿"), 0o644)
	empty := filepath.Join(dir, "空.xlsx")
	os.WriteFile(empty, nil, 0o644)
	code, out, errs := jx(t, "extract", notWB, empty, filepath.Join(dir, "missing.xlsx"), hubeiExample)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"报表.xlsx", "不是Excel工作簿", "空.xlsx", "文件为空", "missing.xlsx", "3 个文件无法读取"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(out, "武汉市蔡甸区救助管理站") {
		t.Errorf("the readable file was not printed:\n%s", out)
	}
}

func TestExtractForcedAndUnknownTemplate(t *testing.T) {
	// The blank minsheng template is not a Hubei form: detection says which
	// labels are missing; forcing the Hubei template reports unresolved labels.
	other := "../../templates/minsheng-score/2020/template.xlsx"
	code, _, errs := jx(t, "extract", "--template", "hubei-dept@2022", other)
	if code != 0 {
		t.Fatalf("forced: exit %d: %s", code, errs)
	}
	code, _, errs = jx(t, "extract", "--template", "nope", other)
	if code != exitFailure || !strings.Contains(errs, "no such template") {
		t.Errorf("unknown template: exit %d, %s", code, errs)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "other.xlsx")
	b, _ := os.ReadFile(hubeiExample)
	os.WriteFile(f, b, 0o644)
	code, out, _ := jx(t, "extract", "--template", "minsheng-score", f)
	if code != 0 || !strings.Contains(out, "label-not-found") {
		t.Errorf("forced wrong template: exit %d, want label-not-found problems:\n%s", code, out)
	}
}

func TestUnknownWorkbook(t *testing.T) {
	code, _, errs := jx(t, "extract", "testdata/unknown.xlsx")
	if code != exitFailure || !strings.Contains(errs, "无法识别模板") || !strings.Contains(errs, "缺少标签") {
		t.Errorf("exit %d: %s", code, errs)
	}
}
