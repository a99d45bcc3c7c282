package kafka_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
)

const (
	awsAccessKey    = "AKIAKAFKATENANTTEST"
	awsSecretKey    = "secret-key-DO-NOT-PRINT-5f2e"
	awsSessionToken = "session-token-DO-NOT-PRINT-9c1d"
)

// isolateAWS points the AWS SDK's default chain at nothing on this machine:
// empty shared files, no profile, no web identity or container
// credentials, and no instance metadata service (which would be a
// request to a link-local address).
func isolateAWS(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"config", "credentials"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, v := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_DEFAULT_REGION"} {
		t.Setenv(v, "")
	}
}

func TestAWSConfig_credentialsFromEnvironment(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", awsAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsSecretKey)
	t.Setenv("AWS_SESSION_TOKEN", awsSessionToken)
	p, err := (&kafka.AWSConfig{Region: "eu-west-1"}).Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != awsAccessKey || creds.SecretAccessKey != awsSecretKey || creds.SessionToken != awsSessionToken {
		t.Errorf("resolved %s/%s, want the environment's credentials", creds.AccessKeyID, creds.Source)
	}
}

func TestAWSConfig_credentialsFromProfile(t *testing.T) {
	isolateAWS(t)
	file := os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	content := fmt.Sprintf("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n\n[ops]\naws_access_key_id = %s\naws_secret_access_key = %s\n", awsAccessKey, awsSecretKey)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := (&kafka.AWSConfig{Region: "eu-west-1", Profile: "ops"}).Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := p.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != awsAccessKey {
		t.Errorf("profile ops resolved %q, %v; want %s", creds.AccessKeyID, err, awsAccessKey)
	}
}

// role_arn is assumed through STS with the chain's credentials; a local
// STS endpoint stands in for AWS's.
func TestAWSConfig_assumesRole(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", awsAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsSecretKey)
	const role = "arn:aws:iam::123456789012:role/kafka-admin"
	var (
		mu   sync.Mutex
		form url.Values
		auth string
	)
	sts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		_ = r.ParseForm()
		form, auth = r.Form, r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken>
<Expiration>%s</Expiration></Credentials>
<AssumedRoleUser><AssumedRoleId>AROA:kafkatenant</AssumedRoleId><Arn>%s/kafkatenant</Arn></AssumedRoleUser>
</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
			time.Now().Add(time.Hour).UTC().Format(time.RFC3339), role)
	}))
	defer sts.Close()
	t.Setenv("AWS_ENDPOINT_URL_STS", sts.URL)

	p, err := (&kafka.AWSConfig{Region: "eu-west-1", RoleARN: role}).Credentials(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != "ASIAROLE" || creds.SessionToken != "role-token" {
		t.Errorf("resolved %s, want the role's temporary credentials", creds.AccessKeyID)
	}
	mu.Lock()
	defer mu.Unlock()
	if form.Get("Action") != "AssumeRole" || form.Get("RoleArn") != role || form.Get("RoleSessionName") != "kafkatenant" {
		t.Errorf("STS was asked %v", form)
	}
	if !strings.Contains(auth, "Credential="+awsAccessKey+"/") || !strings.Contains(auth, "/eu-west-1/sts/aws4_request") {
		t.Errorf("the AssumeRole call was signed %q, want the chain's key in eu-west-1", auth)
	}
}

// mskBroker is a kfake broker that captures AWS_MSK_IAM logins, which
// kfake does not speak, through control functions.
func mskBroker(t *testing.T) (addr string, payloads func() []map[string]string) {
	t.Helper()
	c := startKfake(t)
	var (
		mu   sync.Mutex
		seen []map[string]string
	)
	c.ControlKey(int16(kmsg.SASLHandshake), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.SASLHandshakeResponse)
		resp.SupportedMechanisms = []string{kafka.MechanismAWSMSKIAM}
		if req.(*kmsg.SASLHandshakeRequest).Mechanism != kafka.MechanismAWSMSKIAM {
			resp.ErrorCode = kerr.UnsupportedSaslMechanism.Code
		}
		return resp, nil, true
	})
	c.ControlKey(int16(kmsg.SASLAuthenticate), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		auth := req.(*kmsg.SASLAuthenticateRequest)
		resp := auth.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		var payload map[string]string
		if err := json.Unmarshal(auth.SASLAuthBytes, &payload); err != nil {
			resp.ErrorCode = kerr.SaslAuthenticationFailed.Code
			return resp, nil, true
		}
		mu.Lock()
		seen = append(seen, payload)
		mu.Unlock()
		resp.SASLAuthBytes = []byte(`{"version":"2020_10_22","request-id":"test"}`)
		return resp, nil, true
	})
	return c.ListenAddrs()[0], func() []map[string]string {
		mu.Lock()
		defer mu.Unlock()
		return append([]map[string]string(nil), seen...)
	}
}

// The login payload is the JSON MSK expects, signed with SigV4 for
// kafka-cluster:Connect on the broker's host; the test recomputes the
// signature from the static secret key. No MSK cluster is reachable here.
func TestMSKIAM_signedPayload(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", awsAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", awsSecretKey)
	t.Setenv("AWS_SESSION_TOKEN", awsSessionToken)
	// The broker's name (127.0.0.1) holds no region, so the signature
	// takes AWS_REGION, as on an MSK cluster reached through an alias.
	t.Setenv("AWS_REGION", "eu-west-1")
	addr, payloads := mskBroker(t)
	err := ping(t, kafka.Config{BootstrapServers: []string{addr}, SASL: &kafka.SASLConfig{Mechanism: kafka.MechanismAWSMSKIAM, AWS: &kafka.AWSConfig{Region: "eu-west-1"}}})
	if err != nil {
		t.Fatalf("Ping with AWS_MSK_IAM: %v", err)
	}
	got := payloads()
	if len(got) == 0 {
		t.Fatal("the broker received no AWS_MSK_IAM login")
	}
	p := got[0]
	date := p["x-amz-date"]
	want := map[string]string{
		"version":              "2020_10_22",
		"host":                 "127.0.0.1",
		"user-agent":           "kafkatenant",
		"action":               "kafka-cluster:Connect",
		"x-amz-algorithm":      "AWS4-HMAC-SHA256",
		"x-amz-credential":     awsAccessKey + "/" + date[:min(8, len(date))] + "/eu-west-1/kafka-cluster/aws4_request",
		"x-amz-signedheaders":  "host",
		"x-amz-expires":        "300",
		"x-amz-security-token": awsSessionToken,
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("payload[%q] = %q, want %q", k, p[k], v)
		}
	}
	if ts, err := time.Parse("20060102T150405Z", date); err != nil || time.Since(ts) > time.Minute || time.Until(ts) > time.Minute {
		t.Errorf("x-amz-date %q is not the time of the login", date)
	}
	if sig := sigV4(p, awsSecretKey, "eu-west-1"); p["x-amz-signature"] != sig {
		t.Errorf("x-amz-signature = %q, want %q computed from the secret key", p["x-amz-signature"], sig)
	}
	if strings.Contains(fmt.Sprint(p), awsSecretKey) {
		t.Error("the payload carries the secret key")
	}
}

// sigV4 signs the presigned-URL form of kafka-cluster:Connect that the
// payload describes (AWS Signature Version 4, query-string signing).
func sigV4(p map[string]string, secret, region string) string {
	q := url.Values{}
	for k, name := range map[string]string{
		"action": "Action", "x-amz-algorithm": "X-Amz-Algorithm", "x-amz-credential": "X-Amz-Credential", "x-amz-date": "X-Amz-Date",
		"x-amz-expires": "X-Amz-Expires", "x-amz-signedheaders": "X-Amz-SignedHeaders", "x-amz-security-token": "X-Amz-Security-Token",
	} {
		if v, ok := p[k]; ok {
			q.Set(name, v)
		}
	}
	emptyBody := sha256.Sum256(nil)
	canonical := "GET\n/\n" + strings.ReplaceAll(q.Encode(), "+", "%20") + "\nhost:" + p["host"] + "\n\nhost\n" + hex.EncodeToString(emptyBody[:])
	date := p["x-amz-date"][:8]
	hashed := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + p["x-amz-date"] + "\n" + date + "/" + region + "/kafka-cluster/aws4_request\n" + hex.EncodeToString(hashed[:])
	key := []byte("AWS4" + secret)
	for _, part := range []string{date, region, "kafka-cluster", "aws4_request", toSign} {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(part))
		key = h.Sum(nil)
	}
	return hex.EncodeToString(key)
}

// Without credentials anywhere in the chain, the connection error says so
// and what to set.
func TestMSKIAM_noCredentials(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_REGION", "eu-west-1")
	addr, payloads := mskBroker(t)
	err := ping(t, kafka.Config{BootstrapServers: []string{addr}, SASL: &kafka.SASLConfig{Mechanism: kafka.MechanismAWSMSKIAM, AWS: &kafka.AWSConfig{Region: "eu-west-1"}}})
	ce := wantKind(t, err, kafka.ConnectAWSCredentials, addr)
	if !strings.Contains(ce.Error(), "no AWS credentials could be resolved") {
		t.Errorf("error %q does not say that no credentials were found", ce.Error())
	}
	if n := len(payloads()); n != 0 {
		t.Errorf("the broker received %d logins without credentials", n)
	}
}
