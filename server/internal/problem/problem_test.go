package problem

import (
	"errors"
	"fmt"
	"testing"
)

var errSample = Define(Conflict, "sample_conflict", "Conflitto di prova.", "Sample conflict.")

func TestSentinelsMatchCopies(t *testing.T) {
	err := fmt.Errorf("saving: %w", errSample.With(map[string]string{"x": FieldTaken}).Wrap(errors.New("cause")))
	if !errors.Is(err, errSample) {
		t.Fatal("errors.Is should match a copy by code")
	}
	if errors.Is(err, ErrConflict) {
		t.Fatal("a different code must not match")
	}
	p, ok := As(err)
	if !ok || p.Kind.Status() != 409 || p.Message("en") != "Sample conflict." || p.Message("it") != "Conflitto di prova." {
		t.Fatalf("%+v", p)
	}
}

func TestValidateFieldCodes(t *testing.T) {
	type inner struct {
		Email string `json:"email" validate:"required,email"`
	}
	type form struct {
		Name  string `json:"name" validate:"required,min=3,max=5"`
		Kind  string `json:"kind" validate:"oneof=a b"`
		Text  string `json:"text" validate:"nocontrol"`
		Inner inner  `json:"referente"`
	}
	err := Validate(&form{Name: "ab", Kind: "c", Text: "nul\x00", Inner: inner{Email: "x"}})
	p, ok := As(err)
	if !ok || p.Code != "validation_failed" {
		t.Fatalf("err %v", err)
	}
	want := map[string]string{"name": "min:3", "kind": "oneof", "text": "nocontrol", "referente.email": "email"}
	for f, code := range want {
		if p.Fields[f] != code {
			t.Errorf("field %s = %q, want %q (all: %v)", f, p.Fields[f], code, p.Fields)
		}
	}
	if got := FieldMessage("min:3", "it"); got != "Troppo corto: almeno 3 caratteri." {
		t.Errorf("message %q", got)
	}
	if Validate(&form{Name: "abc", Kind: "a", Text: "ok\n", Inner: inner{Email: "a@b.it"}}) != nil {
		t.Error("valid form rejected")
	}
}
