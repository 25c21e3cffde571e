package mapping

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// readBlocks finds every instance of b within rg and reads its fields and
// tables within the instance's rows.
func (t *Template) readBlocks(v *view, rg region, b *Block, probs *[]Problem) []BlockResult {
	var starts []int
	for _, hit := range v.find(rg, b.Start, MatchPrefix) {
		if !startsBlock(v.label(hit[0], hit[1]), b.Start) {
			continue // "年度目标值" is a column header, not 年度目标
		}
		if len(starts) == 0 || starts[len(starts)-1] != hit[0] {
			starts = append(starts, hit[0])
		}
	}
	ends := make([]string, len(b.End))
	for i, e := range b.End {
		ends[i] = NormLabel(e)
	}
	out := []BlockResult{}
	for i, top := range starts {
		bottom := rg.bottom
		if i+1 < len(starts) {
			bottom = starts[i+1]
		} else {
			for r := top + 1; r < rg.bottom; r++ {
				if hasPrefixAny(v.firstLabel(r), ends) {
					bottom = r
					break
				}
			}
		}
		brg := region{top, bottom}
		prefix := fmt.Sprintf("blocks.%s[%d].", b.Name, i)
		br := BlockResult{Row: top + 1, Fields: map[string]Value{}, Tables: map[string][]Row{}}
		for j := range b.Fields {
			t.readField(v, brg, &b.Fields[j], prefix+"fields.", br.Fields, probs)
		}
		for j := range b.Tables {
			br.Tables[b.Tables[j].Name] = t.readTable(v, brg, &b.Tables[j], prefix+"tables.", probs)
		}
		out = append(out, br)
	}
	if len(starts) == 0 {
		*probs = append(*probs, Problem{Code: "label-not-found", Path: "blocks." + b.Name,
			Message: fmt.Sprintf("未找到标签 (label not found): %q", b.Start[0])})
	}
	return out
}

// startsBlock reports whether normalised cell text t starts a block: one of
// the start labels, then nothing, a separator, a number ("年度目标1：",
// "年度目标（一）", "年度目标二") — not a longer word ("年度目标值").
func startsBlock(t string, starts []string) bool {
	for _, l := range starts {
		nl := NormLabel(l)
		rest, ok := strings.CutPrefix(t, nl)
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		r, _ := utf8.DecodeRuneInString(rest)
		if strings.ContainsRune(":：(（[【、.,，;；-—_ 0123456789一二三四五六七八九十", r) {
			return true
		}
	}
	return false
}
