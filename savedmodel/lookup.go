package savedmodel

import (
	"path/filepath"

	"github.com/tf2onnx-go/tf2onnx/frozen"
)

// tableSource says where the SavedModel's vocabulary files are: each
// asset_file_def names the tensor that stands for an asset at run time
// (a TF2 export's asset placeholder, a TF1 export's path constant) and the
// file under assets/, which TensorFlow's loader feeds to that tensor; the
// path the graph holds is the saving machine's.
func (m *Model) tableSource() frozen.TableSource {
	dir := m.dir
	if filepath.Ext(dir) == ".meta" {
		dir = filepath.Dir(dir) // a checkpoint: m.dir is its .meta file
	}
	src := frozen.TableSource{Dir: dir, Assets: map[string]string{}}
	for _, a := range m.mg.GetAssetFileDef() {
		name := a.GetTensorInfo().GetName()
		if name == "" || a.GetFilename() == "" {
			continue
		}
		if s, err := frozen.ParseSpec(name); err == nil {
			name = s.Tensor()
		}
		src.Assets[name] = filepath.Join(m.dir, "assets", a.GetFilename())
	}
	return src
}
