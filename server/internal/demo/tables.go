package demo

import (
	"context"
	"fmt"

	"github.com/cantieri/tavolo/server/internal/experiences"
	"github.com/cantieri/tavolo/server/internal/tables"
)

// Tables saves two comparison tables over the published experiences that
// exist when it runs (the experiences' seeder runs before it): the records
// of the most common ambito, and the largest amounts. With fewer than two
// published records it does nothing.
func Tables(exp *experiences.Service, t *tables.Service) Seeder {
	return func(ctx context.Context, c *Cantiere) error {
		if len(c.Participants) < 2 {
			return nil
		}
		byAmount, err := exp.List(ctx, c.Admin, experiences.ListQuery{Page: 1, PerPage: 100, Sort: "-importo"})
		if err != nil {
			return fmt.Errorf("demo tables: %w", err)
		}
		items := byAmount.Items
		if len(items) < tables.MinColumns {
			return nil
		}
		count := map[string]int{}
		top := ""
		for _, s := range items {
			count[s.Ambito]++
			if count[s.Ambito] > count[top] || top == "" {
				top = s.Ambito
			}
		}
		var same []string
		for _, s := range items {
			if s.Ambito == top && len(same) < 6 {
				same = append(same, s.ID)
			}
		}
		var largest []string
		for _, s := range items[:min(4, len(items))] {
			largest = append(largest, s.ID)
		}
		list := []struct {
			by  int
			in  tables.NewTable
			ids []string
		}{
			{0, tables.NewTable{Name: "Confronto: " + ambitoLabel(top), Description: "Le esperienze dello stesso ambito a confronto: modelli, procedure, esiti."}, same},
			{1, tables.NewTable{Name: "Gli affidamenti più grandi", Description: "Importi, procedure e controlli dei contratti di valore più alto."}, largest},
		}
		for _, l := range list {
			if len(l.ids) < tables.MinColumns {
				continue
			}
			l.in.Experiences = l.ids
			if _, err := t.Create(ctx, c.Participants[l.by], l.in); err != nil {
				return fmt.Errorf("demo table %q: %w", l.in.Name, err)
			}
		}
		return nil
	}
}

func ambitoLabel(v string) string {
	for _, l := range experiences.Lists {
		if l.Name != "ambito" {
			continue
		}
		for _, o := range l.Options {
			if o.Value == v {
				return o.IT
			}
		}
	}
	return "esperienze"
}
