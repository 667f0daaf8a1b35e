package main

import (
	"os/exec"
	"sort"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartup runs the built binary as a user would, whole process, on the embedded
// corpus (goal: `jingyan search --json QUESTION` median ≤ 150 ms, peak RSS ≤ 80 MB).
func BenchmarkStartup(b *testing.B) {
	bin := buildBinary(b)
	for _, args := range [][]string{
		{"search", "--json", "警地融合是怎么运作的?"},
		{"ask", "警地融合是怎么运作的?"}, // offline: no LLM configured in the environment below
	} {
		b.Run(args[0], func(b *testing.B) {
			var lat []time.Duration
			var maxRSS int64
			for i := 0; i < b.N; i++ {
				cmd := exec.Command(bin, args...)
				cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + b.TempDir()}
				start := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", args, err, out)
				}
				lat = append(lat, time.Since(start))
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > maxRSS {
					maxRSS = ru.Maxrss
				}
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(maxRSS)/1024, "peakRSS-MB")
		})
	}
}
