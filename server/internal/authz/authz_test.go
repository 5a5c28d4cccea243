package authz

import "testing"

func TestCheck(t *testing.T) {
	ann := Subject{Roles: Of(Participant), UserID: "ann", AdministrationID: "a"}
	ref := Subject{Roles: Of(Participant, Referente), UserID: "rita", AdministrationID: "a"}
	mod := Subject{Roles: Of(Moderator), UserID: "mo", AdministrationID: "b"}
	cases := []struct {
		name string
		a    Action
		s    Subject
		it   Item
		want Verdict
	}{
		{"anonymous takes no part", TakePart, Subject{Roles: Of(Anonymous)}, Item{}, Verdict{Denial: ByRole}},
		{"suspended takes no part", TakePart, Subject{Roles: Of(Suspended), UserID: "s"}, Item{}, Verdict{Denial: ByRole}},
		{"participant takes part", TakePart, ann, Item{}, Verdict{}},
		{"own post, author rules apply", EditPost, ann, Item{OwnerID: "ann"}, Verdict{OwnOnly: true}},
		{"another's post", EditPost, ann, Item{OwnerID: "bob"}, Verdict{Denial: ByOwner}},
		{"own deleted post", EditPost, ann, Item{OwnerID: "ann", State: Deleted}, Verdict{Denial: ByState}},
		{"another's deleted post: deleted first", EditPost, ann, Item{OwnerID: "bob", State: Deleted}, Verdict{Denial: ByState}},
		{"moderator edits anyone's", EditPost, mod, Item{OwnerID: "ann"}, Verdict{}},
		{"moderator's own: not author-bound", EditPost, mod, Item{OwnerID: "mo"}, Verdict{}},
		{"locked thread", Reply, ann, Item{State: Locked}, Verdict{Denial: ByState}},
		{"moderator replies when locked", Reply, mod, Item{State: Locked}, Verdict{}},
		{"nobody replies when archived", Reply, mod, Item{State: Locked | Archived}, Verdict{Denial: ByState}},
		{"referente invites home", Invite, ref, Item{AdministrationID: "a"}, Verdict{}},
		{"referente invites away", Invite, ref, Item{AdministrationID: "b"}, Verdict{Denial: ByAdministration}},
		{"participant invites", Invite, ann, Item{AdministrationID: "a"}, Verdict{Denial: ByRole}},
		{"empty ids never match", SubscribeUser, Subject{Roles: Of(Participant)}, Item{}, Verdict{Denial: ByOwner}},
	}
	for _, c := range cases {
		if got := Check(c.a, c.s, c.it); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestTableIsWellFormed(t *testing.T) {
	granted := map[Action]bool{}
	for i, r := range rules {
		if r.Action >= numActions || r.Roles == 0 {
			t.Errorf("row %d: got action %d roles %b, want a known action and some role", i, r.Action, r.Roles)
		}
		granted[r.Action] = true
	}
	for _, a := range Actions() {
		if a.Info().Name == "" || !granted[a] {
			t.Errorf("action %d: got name %q granted %v, want a name and a row", a, a.Info().Name, granted[a])
		}
	}
}

func TestCheckAllocatesNothing(t *testing.T) {
	s := Subject{Roles: Of(Participant), UserID: "ann", AdministrationID: "a"}
	if n := testing.AllocsPerRun(100, func() { Check(EditPost, s, Item{OwnerID: "bob", State: Deleted}) }); n != 0 {
		t.Fatalf("got %v allocations, want 0", n)
	}
}
