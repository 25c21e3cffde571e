package main

import (
	"io"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressTheme draws the import bar: filled blocks on a light shade, so
// the bar shows on every console, Windows' too.
var progressTheme = progressbar.Theme{Saucer: "█", SaucerHead: "▌", SaucerPadding: "░", BarStart: "|", BarEnd: "|"}

// progressWidth is the bar's width in columns: fixed, so that a long file
// name shown after it never squeezes the bar away.
const progressWidth = 30

// progressNameWidth is how many columns of the current file's name are shown.
const progressNameWidth = 28

// progressOptions are the options of the import progress bar written to w:
// " 45% |█████████████▌░░░░░░░░░░░░░░░░| (45/100, 12 个文件/s) [4s:5s] 正在导入 蔡甸区民政局.xlsx",
// the file being imported at the end of the line; throttle is the least
// time between two redraws.
func progressOptions(w io.Writer, throttle time.Duration) []progressbar.Option {
	return []progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("正在导入…"),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionSetWidth(progressWidth),
		progressbar.OptionSetTheme(progressTheme),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("个文件"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(throttle),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	}
}

// newProgress returns a progress bar for n files on w and the function
// that advances it by one file, naming it.
func newProgress(w io.Writer, n int, throttle time.Duration) (*progressbar.ProgressBar, func(file string)) {
	bar := progressbar.NewOptions(n, progressOptions(w, throttle)...)
	return bar, func(file string) {
		bar.Describe("正在导入 " + truncateWidth(filepath.Base(file), progressNameWidth))
		bar.Add(1)
	}
}
