package template

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/jxsync/jxsync/mapping"
)

// Writing the proposal as mapping.yaml: yaml.v3 nodes, so that every guess
// carries its reason as a comment beside or above it.

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

func quoted(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: yaml.SingleQuotedStyle}
}

func boolean(v bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}
}

func number(v float64) *yaml.Node {
	if v == float64(int64(v)) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(int64(v), 10)}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v, 'f', -1, 64)}
}

func integer(v int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(v)}
}

// mapNode builds a mapping of key, value pairs; nil values are left out.
func mapNode(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		v, _ := kv[i+1].(*yaml.Node)
		if v == nil {
			continue
		}
		n.Content = append(n.Content, str(kv[i].(string)), v)
	}
	return n
}

func strs(vs []string, flow bool) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for _, v := range vs {
		n.Content = append(n.Content, str(v))
	}
	return n
}

// strings1 is a Strings value: one string, or a flow list of several.
func strings1(vs mapping.Strings) *yaml.Node {
	switch len(vs) {
	case 0:
		return nil
	case 1:
		return str(vs[0])
	}
	return strs(vs, true)
}

func opt(v string) *yaml.Node {
	if v == "" {
		return nil
	}
	return str(v)
}

func optBool(v bool) *yaml.Node {
	if !v {
		return nil
	}
	return boolean(true)
}

// comment joins reason lines into a comment text (empty lines left out).
func comment(lines ...string) string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimRight(l, " \t\n"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func fieldNode(f *sField) *yaml.Node {
	fd := f.f
	var pattern *yaml.Node
	if fd.Pattern != "" {
		pattern = quoted(fd.Pattern)
	}
	var nth *yaml.Node
	if fd.Nth > 1 {
		nth = integer(fd.Nth)
	}
	n := mapNode("name", str(fd.Name), "title", str(fd.Title), "type", opt(string(fd.Type)), "unit", opt(fd.Unit),
		"label", strings1(fd.Label), "match", opt(string(fd.Match)), "nth", nth, "dir", opt(string(fd.Dir)),
		"column", strings1(fd.Column), "pattern", pattern, "required", optBool(fd.Required), "optional", optBool(fd.Optional))
	why := append([]string(nil), f.why...)
	if f.sample != "" {
		why = append(why, fmt.Sprintf("样本值：%s", short(f.sample)))
	}
	n.HeadComment = comment(why...)
	return n
}

func tableNode(t *sTable) *yaml.Node {
	cols := &yaml.Node{Kind: yaml.SequenceNode}
	key := ""
	for _, c := range t.cols {
		if c.role.name == "level3" && key == "" {
			key = c.name
		}
	}
	for _, c := range t.cols {
		typ := c.role.typ
		if typ == mapping.TypeText {
			typ = ""
		}
		n := mapNode("name", str(c.name), "title", str(c.header), "header", str(c.header), "type", opt(string(typ)),
			"filldown", optBool(c.role.filldown), "required", optBool(c.role.required), "optional", optBool(c.role.optional))
		n.Style = yaml.FlowStyle
		n.LineComment = fmt.Sprintf("%s 列；%s", mapping.ColumnName(c.col), c.role.why)
		cols.Content = append(cols.Content, n)
	}
	b := t.bodies[0]
	rows := 0
	for _, x := range t.bodies {
		rows += len(x.rows)
	}
	var keyNode *yaml.Node
	if key != "" {
		keyNode = str(key)
	}
	n := mapNode("name", str(t.name), "title", str("绩效指标"), "key", keyNode, "stop", strs(t.stop, true), "columns", cols)
	why := []string{
		fmt.Sprintf("表头在第 %d 行（%s–%s 列），数据自第 %d 行起；样本中共 %d 行指标", b.header+1,
			mapping.ColumnName(t.left), mapping.ColumnName(t.right), b.start+1, rows),
		"合并的一级/二级指标向下填充；表中空行不结束表格，合计行、表下的标签、签字行（填表人…）结束它",
	}
	if len(b.repeats) > 0 {
		why = append(why, fmt.Sprintf("第 %d 行重复表头（分页），跳过", b.repeats[0]+1))
	}
	if t.block == nil && len(t.bodies) > 1 {
		why = append(why, "表头出现多次")
	}
	n.HeadComment = comment(why...)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "stop" {
			n.Content[i+1].LineComment = "合计行及表后的标签：行首文字以其开头即结束表格"
		}
	}
	return n
}

func blockNode(b *sBlock) *yaml.Node {
	var end *yaml.Node
	if len(b.end) > 0 {
		end = strs(b.end, true)
	}
	n := mapNode("name", str(b.name), "title", str(b.start), "start", str(b.start), "end", end,
		"fields", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{fieldNode(b.goal)}},
		"tables", &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{tableNode(b.table)}})
	rows := make([]string, len(b.starts))
	for i, r := range b.starts {
		rows[i] = strconv.Itoa(r + 1)
	}
	n.HeadComment = comment(fmt.Sprintf("“%s”在第 %s 行各出现一次，每次其下一张指标表：一个块一个目标", b.start, strings.Join(rows, "、")),
		"块止于下一个“"+b.start+"”或 end 标签")
	return n
}

func rulesNode(rs mapping.RuleSet) *yaml.Node {
	settings := &yaml.Node{Kind: yaml.MappingNode}
	for _, s := range rs.Settings {
		k, v := str(s.Name), number(s.Value)
		v.LineComment = s.Why
		settings.Content = append(settings.Content, k, v)
	}
	lists := &yaml.Node{Kind: yaml.MappingNode}
	for _, l := range rs.Lists {
		k := str(l.Name)
		k.HeadComment = l.Why
		lists.Content = append(lists.Content, k, strs(l.Items, true))
	}
	checks := &yaml.Node{Kind: yaml.SequenceNode}
	for _, lc := range rs.Checks {
		c := lc.Check
		var at *yaml.Node
		if len(c.At) > 0 {
			at = strs(c.At, true)
		}
		n := mapNode("id", str(c.ID), "severity", opt(c.Severity), "each", opt(c.Each), "group", opt(c.Group),
			"when", opt(c.When), "assert", opt(c.Assert), "found", opt(c.Found), "expected", opt(c.Expected),
			"slack", opt(c.Slack), "tolerance", opt(c.Tolerance), "at", at, "message", str(c.Message))
		n.HeadComment = lc.Why
		checks.Content = append(checks.Content, n)
	}
	var sn, ln, cn *yaml.Node
	if len(settings.Content) > 0 {
		sn = settings
	}
	if len(lists.Content) > 0 {
		ln = lists
	}
	if len(checks.Content) > 0 {
		cn = checks
	}
	n := mapNode("settings", sn, "lists", ln, "checks", cn)
	if len(n.Content) == 0 {
		return nil
	}
	return n
}

// yaml writes the proposal as mapping.yaml.
func (p *proposal) yaml(notes []string) ([]byte, error) {
	head := []string{
		fmt.Sprintf("%s：由 jxsync mapping scaffold 从 %s（工作表“%s”）生成。", p.title, p.file, p.sheet),
		"每一项推测都在其上方或右侧注释了依据：请逐项核对，改正后运行",
		"  jxsync mapping check <本目录> 样本.xlsx…",
		"每个键的含义见 mapping/config.go 与 README“mapping.yaml”。",
	}
	if len(notes) > 0 {
		head = append(head, "需要人工处理 (to review):")
		for _, n := range notes {
			head = append(head, "- "+n)
		}
	}
	root := &yaml.Node{Kind: yaml.MappingNode, HeadComment: comment(head...)}
	add := func(key string, v *yaml.Node, why ...string) {
		if v == nil {
			return
		}
		k := str(key)
		k.HeadComment = comment(why...)
		root.Content = append(root.Content, k, v)
	}
	add("id", str(p.id))
	add("version", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: p.version, Style: yaml.DoubleQuotedStyle})
	add("title", str(p.title))
	add("sheet", str(p.sheet))
	add("detect", strs(p.detect, false), append([]string{"识别本表的标签：每个都须作为单独的单元格出现"}, p.detectWhy...)...)
	if len(p.detectAbsent) > 0 {
		add("detect_absent", strs(p.detectAbsent, true), "外观相近的其他表（监控表、申报表）以标题区分")
	}
	if p.detectTitle != "" {
		if p.titleActive {
			add("detect_title", quoted(p.detectTitle), p.titleWhy, "标签不足以区分本表，故按标题识别；无标题的副本将不被识别")
		} else {
			// Proposed, not active: a copy without its title is still read.
			last := root.Content[len(root.Content)-2]
			last.FootComment = comment("可选：按标题识别（"+p.titleWhy+"）；启用后无标题的副本不再被识别",
				"detect_title: '"+p.detectTitle+"'")
		}
	}
	id := mapNode("unit", strings1(p.identity.Unit), "year", strings1(p.identity.Year), "subject", opt(p.identity.Subject),
		"score", opt(p.identity.Score))
	if len(id.Content) > 0 {
		add("identity", id, append([]string{"身份：这张表属于哪个单位、哪一年"}, p.identityWhy...)...)
	}
	fields := &yaml.Node{Kind: yaml.SequenceNode}
	for _, f := range p.fields {
		fields.Content = append(fields.Content, fieldNode(f))
	}
	if len(fields.Content) > 0 {
		add("fields", fields, "单值字段，按在表中的位置排列")
	}
	tables := &yaml.Node{Kind: yaml.SequenceNode}
	for _, t := range p.tables {
		tables.Content = append(tables.Content, tableNode(t))
	}
	if len(tables.Content) > 0 {
		add("tables", tables)
	}
	blocks := &yaml.Node{Kind: yaml.SequenceNode}
	for _, b := range p.blocks {
		blocks.Content = append(blocks.Content, blockNode(b))
	}
	if len(blocks.Content) > 0 {
		add("blocks", blocks)
	}
	add("rules", rulesNode(p.rules), "校验规则：由规则库按本表有的栏目选出（每条注明依据）；省级差异请改 settings")
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, fmt.Errorf("scaffold: write mapping: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("scaffold: write mapping: %w", err)
	}
	return b.Bytes(), nil
}
