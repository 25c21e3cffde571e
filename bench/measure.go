package bench

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time (user and system) this process has used.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Rate is a throughput: workbooks read in a CPU time and a wall time.
type Rate struct {
	Workbooks int           `json:"workbooks"`
	CPU       time.Duration `json:"cpu_ns"`
	Wall      time.Duration `json:"wall_ns"`
}

// PerCPUSecond is workbooks per second of CPU time: on one core, the
// throughput a machine with nothing else running gives.
func (r Rate) PerCPUSecond() float64 {
	if r.CPU <= 0 {
		return 0
	}
	return float64(r.Workbooks) / r.CPU.Seconds()
}

// PerSecond is workbooks per second of wall time.
func (r Rate) PerSecond() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Workbooks) / r.Wall.Seconds()
}

// Throughput reads files with rd, once as a warm-up and then round after
// round until at least minCPU of CPU time has been spent (and at least one
// round). Run it with GOMAXPROCS=1: the process's CPU time is then the
// reader's.
func Throughput(rd Reader, files []string, minCPU time.Duration) (Rate, error) {
	for _, f := range files {
		if _, err := rd.Read(f); err != nil {
			return Rate{}, err
		}
	}
	var r Rate
	c0, w0 := CPUTime(), time.Now()
	for r.CPU < minCPU || r.Workbooks == 0 {
		for _, f := range files {
			if _, err := rd.Read(f); err != nil {
				return Rate{}, err
			}
			r.Workbooks++
		}
		r.CPU, r.Wall = CPUTime()-c0, time.Since(w0)
	}
	return r, nil
}
