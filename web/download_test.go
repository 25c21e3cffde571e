package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd":              "passwd",
		`C:\Users\张三\报表.xlsx`:           "报表.xlsx",
		"a\x00b\r\nc.xlsx":              "abc.xlsx",
		`"quoted";<x>.xlsx`:             "quoted;x.xlsx",
		"..":                            "def",
		"   ":                           "def",
		strings.Repeat("长", 200) + ".x": strings.Repeat("长", 118) + ".x",
	} {
		if got := safeFileName(in, "def"); got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	w := httptest.NewRecorder()
	setAttachment(w, `../武汉市"救助站";2022 年.xlsx`, xlsxType)
	cd := w.Header().Get("Content-Disposition")
	ascii, ext, ok := strings.Cut(cd, "; filename*=UTF-8''")
	if !ok || !strings.HasPrefix(ascii, `attachment; filename="`) {
		t.Fatalf("Content-Disposition = %q", cd)
	}
	fallback := strings.TrimSuffix(strings.TrimPrefix(ascii, `attachment; filename="`), `"`)
	if strings.ContainsAny(fallback, "\"\\/;%") || fallback != "_2022 _.xlsx" {
		t.Errorf("ASCII fallback = %q", fallback)
	}
	name, err := url.PathUnescape(ext)
	if err != nil || name != "武汉市救助站;2022 年.xlsx" {
		t.Errorf("RFC 5987 name = %q (%v)", name, err)
	}
	if strings.ContainsAny(ext, " ;\"'") {
		t.Errorf("ext-value not encoded: %q", ext)
	}
	if got := asciiName("报表.xlsx"); got != "download.xlsx" {
		t.Errorf("asciiName = %q", got)
	}
}
