package web_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/attachment"
	"github.com/cantieri/tavolo/server/internal/testenv"
	"github.com/cantieri/tavolo/server/internal/webtest"
)

// uploadPDF uploads a small PDF as c and returns its id.
func uploadPDF(t *testing.T, c *webtest.Client, name string) string {
	t.Helper()
	r := upload(c, name, []byte("%PDF-1.7\n"+name+"\n%%EOF"))
	if r.Status != 201 {
		t.Fatalf("upload %s: %d %s", name, r.Status, r.Body)
	}
	var a attachment.Uploaded
	r.JSON(t, &a)
	return a.ID
}

// filesBucket is the attachments' GridFS bucket, for files as earlier
// versions stored them (ObjectID ids, no attachments).
func filesBucket(env *webtest.Env) *mongo.GridFSBucket {
	return env.Board.Store.DB.GridFSBucket(options.GridFSBucket().SetName("attachments"))
}

// legacyUpload stores a file as uploads were stored before ids were random.
func legacyUpload(t *testing.T, env *webtest.Env, ownerID, name string) string {
	t.Helper()
	meta := bson.M{"owner_id": ownerID, "content_type": "application/pdf", "image": false}
	id, err := filesBucket(env).UploadFromStream(testenv.Ctx(t), name, strings.NewReader("%PDF-1.4\n"+name),
		options.GridFSUpload().SetMetadata(meta))
	if err != nil {
		t.Fatal(err)
	}
	return id.Hex()
}

func link(id string) string { return "[file](" + attachment.URLPrefix + id + ")" }

func TestAttachmentWhoReadsWhat(t *testing.T) {
	env := webtest.Start(t, nil)
	ctx := testenv.Ctx(t)
	owner, ou := env.NewUser(account.RoleParticipant)
	other, _ := env.NewUser(account.RoleParticipant)
	mod, _ := env.NewUser(account.RoleModerator)
	admin, _ := env.Admin()
	suspended, su := env.NewUser(account.RoleParticipant)
	anon := env.Client()

	unattached := uploadPDF(t, owner, "bozza.pdf")
	listed := uploadPDF(t, owner, "allegato.pdf")
	bodyOnly := uploadPDF(t, owner, "nel-testo.pdf")
	edited := uploadPDF(t, owner, "modifica.pdf")
	deleted := uploadPDF(t, owner, "cancellato.pdf")
	othersFile := uploadPDF(t, owner, "altrui.pdf") // named by someone else's post

	th := newThread(t, owner, "bacheca", "File e permessi")
	owner.Expect(201, "POST", "/api/v1/threads/"+th.Thread.ID+"/posts",
		map[string]any{"body": "Allegato " + link(listed), "attachment_ids": []string{listed}})
	p := reply(t, owner, th.Thread.ID, "", "Solo nel testo: "+link(bodyOnly))
	owner.Expect(200, "PATCH", "/api/v1/posts/"+p.ID, map[string]any{"body": p.Body + " e dopo " + link(edited)})
	gone := reply(t, owner, th.Thread.ID, "", "Da cancellare "+link(deleted))
	owner.Expect(204, "DELETE", "/api/v1/posts/"+gone.ID, nil)
	// Naming another's upload neither attaches it nor opens it to anyone;
	// listing it is refused.
	reply(t, other, th.Thread.ID, "", "Guardate "+link(othersFile))
	if r := other.Do("POST", "/api/v1/threads/"+th.Thread.ID+"/posts",
		map[string]any{"body": "x " + link(othersFile), "attachment_ids": []string{othersFile}}); r.Status != 400 {
		t.Errorf("listing another's file: %d, want 400", r.Status)
	}

	// A file uploaded before this version, named by a post stored before
	// it, is attached by the start-up migration; one never posted stays its
	// owner's.
	legacyPosted := legacyUpload(t, env, ou.ID, "vecchio.pdf")
	legacyAlone := legacyUpload(t, env, ou.ID, "vecchio-solo.pdf")
	reply(t, owner, th.Thread.ID, "", "Vecchio "+link(legacyPosted))
	files := env.Board.Store.C("attachments.files")
	oid, _ := bson.ObjectIDFromHex(legacyPosted)
	if _, err := files.UpdateOne(ctx, bson.M{"_id": oid}, bson.M{"$unset": bson.M{"metadata.attached_to": ""}}); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Board.Store.C("forum_counters").DeleteOne(ctx, bson.M{"_id": "file_refs"}); err != nil {
		t.Fatal(err)
	}
	if r := other.Do("GET", attachment.URLPrefix+legacyPosted, nil); r.Status != 404 {
		t.Fatalf("legacy file before the migration: %d, want 404 (the test would prove nothing)", r.Status)
	}
	if err := env.Board.Forum.Init(ctx); err != nil {
		t.Fatal(err)
	}

	env.Suspend(su)
	suspended.Expect(403, "GET", "/api/v1/session", nil) // told once why the session ended; anonymous after
	const missing = "AAAAAAAAAAAAAAAAAAAAAA"
	readers := []struct {
		name string
		c    *webtest.Client
	}{{"owner", owner}, {"other", other}, {"moderator", mod}, {"admin", admin}, {"anonymous", anon}, {"suspended", suspended}}
	files2 := []struct {
		name string
		id   string
		want []int // per reader, in the order above
	}{
		{"unattached upload", unattached, []int{200, 404, 404, 404, 401, 401}},
		{"listed on a post", listed, []int{200, 200, 200, 200, 401, 401}},
		{"named in a post's body", bodyOnly, []int{200, 200, 200, 200, 401, 401}},
		{"named by an edit", edited, []int{200, 200, 200, 200, 401, 401}},
		{"of a deleted post", deleted, []int{404, 404, 200, 200, 401, 401}},
		{"named in someone else's post", othersFile, []int{200, 404, 404, 404, 401, 401}},
		{"legacy id, posted before", legacyPosted, []int{200, 200, 200, 200, 401, 401}},
		{"legacy id, never posted", legacyAlone, []int{200, 404, 404, 404, 401, 401}},
		{"no such file", missing, []int{404, 404, 404, 404, 401, 401}},
	}
	for _, f := range files2 {
		for i, r := range readers {
			got := r.c.Do("GET", attachment.URLPrefix+f.id, nil)
			if got.Status != f.want[i] {
				t.Errorf("%s, read by %s: status %d, want %d (%s)", f.name, r.name, got.Status, f.want[i], got.Body)
				continue
			}
			if got.Status == 404 && got.ErrorCode() != "attachment_not_found" {
				t.Errorf("%s, read by %s: code %q, want attachment_not_found", f.name, r.name, got.ErrorCode())
			}
			if got.Status == 200 && !bytes.HasPrefix(got.Body, []byte("%PDF-")) {
				t.Errorf("%s, read by %s: body %q", f.name, r.name, got.Body)
			}
		}
	}
}

// TestAttachmentNeighboursFindNothing walks the ids next to one's own, as
// an attacker would, among other people's files stored just before and
// after: new random ids and legacy ObjectIDs alike.
func TestAttachmentNeighboursFindNothing(t *testing.T) {
	env := webtest.Start(t, nil)
	victim, vu := env.NewUser(account.RoleParticipant)
	attacker, au := env.NewUser(account.RoleParticipant)

	var mine, theirs []string
	for i := range 5 {
		theirs = append(theirs, uploadPDF(t, victim, fmt.Sprintf("prima-%d.pdf", i)))
	}
	mine = append(mine, uploadPDF(t, attacker, "mio.pdf"))
	for i := range 5 {
		theirs = append(theirs, uploadPDF(t, victim, fmt.Sprintf("dopo-%d.pdf", i)))
	}
	for i := range 5 {
		theirs = append(theirs, legacyUpload(t, env, vu.ID, fmt.Sprintf("vecchio-prima-%d.pdf", i)))
	}
	mine = append(mine, legacyUpload(t, env, au.ID, "mio-vecchio.pdf"))
	for i := range 5 {
		theirs = append(theirs, legacyUpload(t, env, vu.ID, fmt.Sprintf("vecchio-dopo-%d.pdf", i)))
	}
	for _, id := range theirs { // they exist: the victim reads them
		victim.Expect(200, "GET", attachment.URLPrefix+id, nil)
	}

	tried, found := 0, 0
	for _, own := range mine {
		attacker.Expect(200, "GET", attachment.URLPrefix+own, nil)
		for _, id := range neighbours(t, own) {
			tried++
			if r := attacker.Do("GET", attachment.URLPrefix+id, nil); r.Status != 404 {
				found++
				t.Errorf("neighbour %s of %s: status %d, want 404", id, own, r.Status)
			}
		}
	}
	if tried < 1000 {
		t.Fatalf("only %d neighbours tried", tried)
	}
	t.Logf("%d neighbours tried, %d found", tried, found)
}

// neighbours are ids an attacker derives from a known one: every byte one
// up and one down, every character replaced by every other of its
// alphabet, and for ObjectIDs the counter moved by up to 50 either way
// (ids made just before and after in this process).
func neighbours(t *testing.T, id string) []string {
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var raw []byte
	var encode func([]byte) string
	if oid, err := bson.ObjectIDFromHex(id); err == nil {
		alphabet = "0123456789abcdef"
		raw = oid[:]
		encode = func(b []byte) string { return bson.ObjectID(b).Hex() }
	} else if b, err := base64.RawURLEncoding.DecodeString(id); err == nil {
		raw = b
		encode = base64.RawURLEncoding.EncodeToString
	} else {
		t.Fatalf("id %q is neither an ObjectID nor base64url", id)
	}
	seen := map[string]bool{id: true}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := range raw {
		for _, d := range []byte{1, 255} {
			b := bytes.Clone(raw)
			b[i] += d
			add(encode(b))
		}
	}
	for i := range id {
		for _, ch := range alphabet {
			add(id[:i] + string(ch) + id[i+1:])
		}
	}
	if len(raw) == 12 { // ObjectID: 4 bytes of time, 5 random per process, 3 of counter
		ctr := binary.BigEndian.Uint32(append([]byte{0}, raw[9:]...))
		for d := -50; d <= 50; d++ {
			b := bytes.Clone(raw)
			c := uint32(int(ctr) + d)
			b[9], b[10], b[11] = byte(c>>16), byte(c>>8), byte(c)
			add(encode(b))
		}
	}
	return out
}
