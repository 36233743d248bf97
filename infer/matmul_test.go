package infer_test

import "testing"

func TestMatMul(t *testing.T) {
	runCases(t, []tcase{
		{name: "2d", op: "MatMul", in: []string{"N,3", "3,5"}, want: []string{"[N,5]"}},
		{name: "batched", op: "MatMul", in: []string{"2,3,4", "4,5"}, want: []string{"[2,3,5]"}},
		{name: "batch broadcast", op: "MatMul", in: []string{"2,1,3,4", "5,4,6"}, want: []string{"[2,5,3,6]"}},
		{name: "1d left", op: "MatMul", in: []string{"4", "4,5"}, want: []string{"[5]"}},
		{name: "1d right", op: "MatMul", in: []string{"2,3,4", "4"}, want: []string{"[2,3]"}},
		{name: "1d both", op: "MatMul", in: []string{"4", "4"}, want: []string{"[]"}},
		{name: "symbolic inner", op: "MatMul", in: []string{"B,T,K", "K,M"}, want: []string{"[B,T,M]"}},
		{name: "inner mismatch", op: "MatMul", in: []string{"2,5", "7,3"}, err: "inner dims 5 and 7"},
		{name: "batch mismatch", op: "MatMul", in: []string{"2,3,4", "3,4,5"}, err: "batch dims"},
		{name: "scalar", op: "MatMul", in: []string{"", "3"}, err: "scalar"},
		{name: "unknown rank", op: "MatMul", in: []string{"*", "3,4"}, want: []string{"[*]"}},
	})
}

func TestGemm(t *testing.T) {
	runCases(t, []tcase{
		{name: "plain", op: "Gemm", in: []string{"N,3", "3,5", "5"}, want: []string{"[N,5]"}},
		{name: "transA transB", op: "Gemm", in: []string{"3,N", "5,3"}, attrs: map[string]any{"transA": int64(1), "transB": int64(1)}, want: []string{"[N,5]"}},
		{name: "inner mismatch", op: "Gemm", in: []string{"2,4", "3,5"}, err: "inner dims"},
		{name: "bad C", op: "Gemm", in: []string{"2,3", "3,5", "4"}, err: "does not broadcast"},
		{name: "rank", op: "Gemm", in: []string{"2,3,4", "4,5"}, err: "2-D"},
	})
}

func TestEinsum(t *testing.T) {
	eq := func(s string) map[string]any { return map[string]any{"equation": s} }
	runCases(t, []tcase{
		{name: "matmul", op: "Einsum", in: []string{"N,3", "3,5"}, attrs: eq("ij,jk->ik"), want: []string{"[N,5]"}},
		{name: "batched", op: "Einsum", in: []string{"B,2,3", "B,3,4"}, attrs: eq("bij, bjk -> bik"), want: []string{"[B,2,4]"}},
		{name: "implicit", op: "Einsum", in: []string{"2,3", "3,4"}, attrs: eq("ij,jk"), want: []string{"[2,4]"}},
		{name: "transpose", op: "Einsum", in: []string{"2,3"}, attrs: eq("ij->ji"), want: []string{"[3,2]"}},
		{name: "diagonal", op: "Einsum", in: []string{"3,3"}, attrs: eq("ii->i"), want: []string{"[3]"}},
		{name: "full sum", op: "Einsum", in: []string{"3,4"}, attrs: eq("ij->"), want: []string{"[]"}},
		{name: "ellipsis broadcast", op: "Einsum", in: []string{"5,1,2,3", "4,3,6"}, attrs: eq("...ij,...jk->...ik"), want: []string{"[5,4,2,6]"}},
		{name: "implicit ellipsis first", op: "Einsum", in: []string{"7,2,3"}, attrs: eq("...ij"), want: []string{"[7,2,3]"}},
		{name: "letter mismatch", op: "Einsum", in: []string{"2,3", "4,5"}, attrs: eq("ij,jk->ik"), err: "subscript j"},
		{name: "rank mismatch", op: "Einsum", in: []string{"2,3,4"}, attrs: eq("ij->i"), err: "does not fit"},
		{name: "operand count", op: "Einsum", in: []string{"2,3"}, attrs: eq("ij,jk->ik"), err: "operands"},
	})
}
