package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/tf2onnx-go/tf2onnx/graph"
)

func costCommand() *cli.Command {
	return &cli.Command{
		Name:      "cost",
		Usage:     "report parameters, MACs, FLOPs and memory per layer of an ONNX model",
		ArgsUsage: "MODEL.onnx",
		Action: func(c *cli.Context) error {
			return usageError{errors.New("cost: not implemented yet")}
		},
	}
}

func reportCost(c *cli.Context, g *graph.Graph, opset int) error {
	return errors.New("--cost: not implemented yet")
}
