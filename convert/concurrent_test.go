package convert

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/tf2onnx-go/tf2onnx/frozen"
)

// TestConcurrentConversions: convert.GraphDef is safe to call from several
// goroutines at once (the op table is built once, shared read-only). Run
// under -race (make gotest does) this fails on a lazily built shared map.
func TestConcurrentConversions(t *testing.T) {
	ios := seeds(t)
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(ios))
	for round := 0; round < 2; round++ {
		for f := range ios {
			wg.Add(1)
			go func(f string) {
				defer wg.Done()
				data, err := os.ReadFile(f)
				if err != nil {
					errs <- err
					return
				}
				io := ios[f]
				gd, err := frozen.Parse(f, data)
				if err != nil {
					errs <- err
					return
				}
				in, _ := frozen.ParseSpecs(io[0])
				out, _ := frozen.ParseSpecs(io[1])
				if _, _, err := GraphDef(context.Background(), gd, Options{Inputs: in, Outputs: out}); err != nil {
					errs <- err
				}
			}(f)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
