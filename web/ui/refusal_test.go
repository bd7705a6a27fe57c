package ui

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vocdesk/vocdesk"
)

// TestRefusalReasonsInCatalog finds every reason the module gives an
// error (.Because, sqlstore's because and refError, sheet's errInvalid) and checks that each
// language words it, taking as many values as the call gives: a Korean
// page never shows a service's English refusal, nor a %!d.
func TestRefusalReasonsInCatalog(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	verbs := regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*[a-zA-Z]`)
	found := map[string]int{}
	root := filepath.Join("..", "..")
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", "bench", "e2e", "crashtest", ".git":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			at, extra := -1, 0 // the reason's argument, and how many after it are its values
			switch fun := call.Fun.(type) {
			case *ast.SelectorExpr:
				if fun.Sel.Name == "Because" {
					at, extra = 0, len(call.Args)-1
				}
			case *ast.Ident:
				switch fun.Name {
				case "because":
					at, extra = 1, len(call.Args)-2
				case "refError":
					at = 1
				case "errInvalid": // sheet's: the reason behind "sheet_", then the message's values
					at, extra = 0, len(call.Args)-2
				}
			}
			if at < 0 || len(call.Args) <= at {
				return true
			}
			lit, ok := call.Args[at].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true // NotFound's, made of what was not found
			}
			reason, _ := strconv.Unquote(lit.Value)
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "errInvalid" {
				reason = "sheet_" + reason
			}
			if call.Ellipsis.IsValid() {
				extra = -1
			}
			found[reason] = extra
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 20 {
		t.Fatalf("found only %d reasons: %v", len(found), found)
	}
	for reason, n := range found {
		for lang, msgs := range c.msgs {
			msg, ok := msgs["reason."+reason]
			if !ok {
				t.Errorf("reason %q has no words in %s", reason, lang)
				continue
			}
			if got := len(verbs.FindAllString(msg, -1)); n >= 0 && got != n {
				t.Errorf("reason %q in %s takes %d values, the code gives %d", reason, lang, got, n)
			}
		}
	}
	for _, key := range []string{"reason.not_found.inquiry", "reason.code.invalid_request", "reason.code.forbidden",
		"reason.code.not_found", "reason.code.conflict", "reason.code.unprocessable", "reason.code.invalid_text", "reason.code.other"} {
		for lang, msgs := range c.msgs {
			if _, ok := msgs[key]; !ok {
				t.Errorf("%s missing in %s", key, lang)
			}
		}
	}
}

func TestRefusal(t *testing.T) {
	c, err := loadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	ko, en := c.translator("ko", nil), c.translator("en", nil)
	tags := vocdesk.Errorf(vocdesk.EINVALID, "an inquiry carries at most %d tags", 20).Because("tags_max", 20)
	bare := vocdesk.Errorf(vocdesk.EINVALID, "something only the API words")
	for _, c := range []struct {
		t    tr
		err  error
		want string
	}{
		{ko, tags, "문의 하나에는 태그를 20개까지 붙일 수 있습니다."},
		{en, tags, "An inquiry carries at most 20 tags."},
		{ko, vocdesk.NotFound("inquiry"), "문의를 찾을 수 없습니다. 지워졌거나 볼 수 없는 문의입니다."},
		// Without a reason: the code's words in Korean, the message in English.
		{ko, bare, "입력한 내용을 확인해 주세요."},
		{en, bare, "something only the API words"},
		{ko, vocdesk.Errorf(vocdesk.EFORBIDDEN, "your role (viewer) may not do this"), "내 역할로는 할 수 없는 작업입니다."},
		// An internal error's text is never shown, in any language.
		{en, errors.New("sqlstore: disk I/O error"), "It could not be done; try again in a moment."},
		{ko, macroRefusal(vocdesk.MacroResult{Code: vocdesk.EINVALID, Error: "assignee 9 is not a member of this developer", Reason: "assignee_gone"}),
			"배정할 담당자가 더 이상 이 팀의 멤버가 아닙니다. 매크로를 고쳐 주세요."},
	} {
		if got := c.t.Refusal(c.err); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.t.Lang, c.err, got, c.want)
		}
	}
}
