package store_test

import (
	"testing"

	"github.com/cantieri/tavolo/server/internal/testenv"
	"go.mongodb.org/mongo-driver/v2/bson"
)

func TestRoundTripAndPing(t *testing.T) {
	s := testenv.Store(t)
	ctx := testenv.Ctx(t)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.C("x").InsertOne(ctx, bson.M{"_id": "a", "n": 1}); err != nil {
		t.Fatal(err)
	}
	var got struct {
		N int `bson:"n"`
	}
	if err := s.C("x").FindOne(ctx, bson.M{"_id": "a"}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.N != 1 {
		t.Fatalf("n = %d, want 1", got.N)
	}
}
