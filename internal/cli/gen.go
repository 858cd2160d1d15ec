package cli

import (
	"context"

	"redgrid/internal/gen"
)

func runGen(ctx context.Context, env *Env, args []string) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags(env, "gen", "--enterprises N [--grids M] [--orgs K --members P] [--stations Q] [--visits V --problems W] [--safety R] [--output-months 12] [--seed S] [--db URL]", &cfg)
	opt := gen.Options{}
	fs.IntVar(&opt.Enterprises, "enterprises", 100000, "number of enterprises")
	fs.IntVar(&opt.Grids, "grids", 1000, "number of grids")
	fs.IntVar(&opt.Orgs, "orgs", 0, "number of party organizations (e.g. 250000)")
	fs.IntVar(&opt.Members, "members", 0, "number of party members (e.g. 4300000)")
	fs.IntVar(&opt.Stations, "stations", 0, "number of 红色驿站 over a province-sized area (e.g. 100000)")
	fs.IntVar(&opt.Visits, "visits", 0, "number of visits (e.g. 10000000)")
	fs.IntVar(&opt.Problems, "problems", 0, "number of enterprise problems (e.g. 2000000)")
	fs.IntVar(&opt.Safety, "safety", 0, "number of safety records (安全生产, e.g. 1000000)")
	fs.IntVar(&opt.OutputMonths, "output-months", 0, "months of output values per enterprise, ending August 2021 (e.g. 12)")
	fs.Uint64Var(&opt.Seed, "seed", 1, "random seed (the same seed gives the same data)")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	return gen.Run(ctx, s, opt, env.Out)
}
