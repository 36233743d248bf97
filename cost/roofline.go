package cost

// addCompute fills the compute a rate needs and the roofline bound on a
// device. Each layer is taken as one kernel that reads its weights and
// inputs once and writes its outputs once (Stats.MemoryBytes): its time is
// max(FLOPs / peak, bytes / bandwidth), bound by whichever is larger; the
// model's time is the layers' sum.
func addCompute(rep *Report, fps float64, dev *Device) {
	t := rep.Totals
	if fps > 0 {
		rep.Compute = &Compute{
			FPS:            fps,
			FLOPsPerRun:    t.FLOPs,
			BytesPerRun:    t.MemoryBytes,
			GFLOPSRequired: float64(t.FLOPs) * fps / 1e9,
			GBpsRequired:   float64(t.MemoryBytes) * fps / 1e9,
		}
	}
	if dev == nil {
		return
	}
	peak := dev.PeakGFLOPS * 1e9
	bw := dev.MemGBps * 1e9
	rf := &Roofline{Device: *dev, RidgeIntensity: peak / bw}
	for i := range rep.Layers {
		l := &rep.Layers[i]
		ct := float64(l.FLOPs) / peak
		mt := float64(l.MemoryBytes) / bw
		lr := &LayerRoofline{TimeS: ct, Bound: "compute"}
		if ct == 0 && mt == 0 {
			lr.Bound = ""
			l.Roofline = lr
			continue
		}
		if mt > ct {
			lr.TimeS, lr.Bound = mt, "memory"
			rf.MemoryBoundLayers++
			rf.MemoryTimeS += mt
		} else {
			rf.ComputeBoundLayers++
			rf.ComputeTimeS += ct
		}
		l.Roofline = lr
		rf.TimeS += lr.TimeS
	}
	rf.Bound = "compute"
	if rf.MemoryTimeS > rf.ComputeTimeS {
		rf.Bound = "memory"
	}
	if rf.TimeS > 0 {
		rf.MaxFPS = 1 / rf.TimeS
	}
	if fps > 0 {
		meets := rf.TimeS*fps <= 1
		rf.MeetsFPS = &meets
	}
	rep.Roofline = rf
}
