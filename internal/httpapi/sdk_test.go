package httpapi

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestOpenAINodeSDK runs testdata/sdk/openai-sdk.mjs — the official openai npm SDK — against
// the server: models, chat stream and non-stream, auth errors. .ci/run installs the SDK
// (npm ci in testdata/sdk); without it the test fails in CI and is skipped elsewhere.
func TestOpenAINodeSDK(t *testing.T) {
	node, err := exec.LookPath("node")
	sdk := filepath.Join("testdata", "sdk")
	_, statErr := os.Stat(filepath.Join(sdk, "node_modules", "openai", "package.json"))
	if err != nil || statErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node or the openai SDK is missing (node: %v, sdk: %v)", err, statErr)
		}
		t.Skip("run `npm ci` in internal/httpapi/testdata/sdk to enable")
	}
	_, ts := newTestServer(t, Config{Tokens: []string{"sdk-token"}}, memLoader(t, nil))
	out, err := exec.Command(node, filepath.Join(sdk, "openai-sdk.mjs"), ts.URL+"/v1", "sdk-token").CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("openai SDK script: %v", err)
	}
}
