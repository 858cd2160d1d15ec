package storetest

import "redgrid/internal/ident"

func checkChar(body string) (byte, bool) { return ident.USCCCheckChar(body) }
