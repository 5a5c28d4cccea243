package attachment

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"
)

func TestOwned(t *testing.T) {
	st := New(testenv.Store(t), 1<<20)
	ctx := testenv.Ctx(t)
	pdf := []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
	mine1, err := st.Save(ctx, "u1", "a.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	mine2, err := st.Save(ctx, "u1", "b.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := st.Save(ctx, "u2", "c.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		ids     []string
		want    []string
		wantErr error
	}{
		{"none", nil, []string{}, nil},
		{"own, in order", []string{mine2.ID, mine1.ID}, []string{mine2.ID, mine1.ID}, nil},
		{"repeated once", []string{mine1.ID, mine1.ID}, []string{mine1.ID}, nil},
		{"another's upload", []string{mine1.ID, theirs.ID}, nil, ErrNotOwned},
		{"no such file", []string{"nonesiste"}, nil, ErrNotOwned},
		{"well-formed unknown id", []string{"AAAAAAAAAAAAAAAAAAAAAA"}, nil, ErrNotOwned},
	}
	for _, c := range cases {
		got, err := Owned(ctx, st, "u1", c.ids)
		if !errors.Is(err, c.wantErr) {
			t.Errorf("%s: got error %v, want %v", c.name, err, c.wantErr)
			continue
		}
		ids := []string{}
		for _, a := range got {
			ids = append(ids, a.ID)
		}
		if c.wantErr == nil && !slices.Equal(ids, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, ids, c.want)
		}
	}
}
