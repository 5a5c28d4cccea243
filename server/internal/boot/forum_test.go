package boot_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/cantieri/tavolo/config"
	"github.com/cantieri/tavolo/server/internal/account"
	"github.com/cantieri/tavolo/server/internal/boot"
	"github.com/cantieri/tavolo/server/internal/testenv"
)

func TestDemoSeedsForumConversations(t *testing.T) {
	st := testenv.Store(t)
	ctx := testenv.Ctx(t)
	cfg := config.Default()
	cfg.Database = st.DB.Name()
	b, err := boot.Build(ctx, cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := b.Forum.LatestThreads(ctx, &account.User{ID: "reader"}, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 3 || list.Items[0].ReplyCount != 2 {
		t.Fatalf("demo threads = %+v", list)
	}
}
