package account

import (
	"slices"
	"testing"
)

func TestRankSuggestions(t *testing.T) {
	user := func(handle, name, id string) Mentionable {
		return Mentionable{Handle: handle, Kind: KindUser, ID: id, Name: name}
	}
	admin := func(handle, name string) Mentionable {
		return Mentionable{Handle: handle, Kind: KindAdministration, ID: handle, Name: name}
	}
	marco := user("marco_rossi", "Marco Rossi", "u1")
	elena := user("elena_marchetti", "Elena Marchetti", "u2")
	mario := user("mario_bianchi", "Mario Bianchi", "u3")
	anna := user("anna_mariani", "Anna Mariani", "u4")
	adminOf := map[string]string{"u1": "c_far", "u2": "c_own", "u3": "c_far", "u4": "c_part", "u9": "c_part"}
	cases := []struct {
		name   string
		prefix string
		found  []Mentionable // as the store returns them: by handle
		writer Writer
		want   []string
	}{
		{"a handle prefix before a later word of a name, even near the writer", "mar",
			[]Mentionable{elena, marco}, Writer{AdministrationID: "c_own"}, []string{"marco_rossi", "elena_marchetti"}},
		{"among prefixes, the writer's administration first", "mar",
			[]Mentionable{marco, mario}, Writer{AdministrationID: "c_far"}, []string{"marco_rossi", "mario_bianchi"}},
		{"among later words, a recent participant first", "mar",
			[]Mentionable{anna, elena}, Writer{Participants: []string{"u2"}}, []string{"elena_marchetti", "anna_mariani"}},
		{"among later words, the writer's administration first", "mar",
			[]Mentionable{anna, elena}, Writer{AdministrationID: "c_own"}, []string{"elena_marchetti", "anna_mariani"}},
		{"nobody near: prefixes then later words, each by handle", "mar",
			[]Mentionable{anna, elena, marco, mario}, Writer{}, []string{"marco_rossi", "mario_bianchi", "anna_mariani", "elena_marchetti"}},
		{"a name prefix counts as a prefix", "ros",
			[]Mentionable{user("ale_r", "Rossana Ale", "u5"), marco}, Writer{}, []string{"ale_r", "marco_rossi"}},
		{"administrations: prefix before a later word", "com",
			[]Mentionable{admin("c_own", "Comune di Own"), admin("comunita", "Comunità Montana")}, Writer{},
			[]string{"c_own", "comunita"}},
		{"administrations: the writer's own before others of the same kind of match", "comune",
			[]Mentionable{admin("c_far", "Comune di Far"), admin("c_own", "Comune di Own")}, Writer{AdministrationID: "c_own"},
			[]string{"c_own", "c_far"}},
		{"administrations: a participant's administration before the rest", "comune",
			[]Mentionable{admin("c_far", "Comune di Far"), admin("c_part", "Comune di Part")}, Writer{Participants: []string{"u9"}},
			[]string{"c_part", "c_far"}},
		{"an empty prefix: near first, then by handle", "",
			[]Mentionable{anna, elena, marco}, Writer{AdministrationID: "c_far"}, []string{"marco_rossi", "anna_mariani", "elena_marchetti"}},
	}
	for _, c := range cases {
		got := []string{}
		for _, m := range rankSuggestions(c.prefix, c.found, nearness(c.writer, adminOf)) {
			got = append(got, m.Handle)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("case %q: got order %v, want %v", c.name, got, c.want)
		}
	}
}
