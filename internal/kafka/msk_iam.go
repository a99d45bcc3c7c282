package kafka

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/twmb/franz-go/pkg/sasl"
	awssasl "github.com/twmb/franz-go/pkg/sasl/aws"
)

// roleSessionName names the sessions of roles the provider assumes, as
// CloudTrail shows them.
const roleSessionName = "kafkatenant"

// AWSConfig holds the AWS_MSK_IAM settings. Credentials come from the AWS
// SDK's default chain: environment variables, the shared config and
// credentials files (Profile, or AWS_PROFILE), web identity (EKS, GitHub
// Actions), and the ECS or EC2 instance role. It holds no secret.
type AWSConfig struct {
	// Region is the AWS region for the SDK (STS, profiles). The login
	// signature uses the region in the broker's host name, as MSK names
	// its brokers, or AWS_REGION when the host name has none.
	Region string
	// Profile selects a profile of the shared config files; empty means
	// AWS_PROFILE or the default profile.
	Profile string
	// RoleARN, when set, is assumed with the chain's credentials, and the
	// role's temporary credentials sign the logins.
	RoleARN string
}

// String describes the settings.
func (a AWSConfig) String() string { return "{" + a.describe("") + "}" }

// GoString matches String.
func (a AWSConfig) GoString() string { return "kafka.AWSConfig" + a.String() }

// MarshalJSON encodes the description, as the other settings do.
func (a AWSConfig) MarshalJSON() ([]byte, error) { return json.Marshal(a.String()) }

func (a AWSConfig) describe(prefix string) string {
	return fmt.Sprintf("%sregion=%q %sprofile=%q %srole_arn=%q", prefix, a.Region, prefix, a.Profile, prefix, a.RoleARN)
}

// Credentials resolves the credentials that sign logins: the default
// chain, then the role when RoleARN is set. The provider is cached by the
// SDK and refreshes temporary credentials before they expire. Errors are
// *AWSCredentialsError.
func (a *AWSConfig) Credentials(ctx context.Context) (aws.CredentialsProvider, error) {
	var opts []func(*config.LoadOptions) error
	if a.Region != "" {
		opts = append(opts, config.WithRegion(a.Region))
	}
	if a.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(a.Profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, &AWSCredentialsError{Err: err}
	}
	if a.RoleARN == "" {
		return cfg.Credentials, nil
	}
	return aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), a.RoleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = roleSessionName
	})), nil
}

// mechanism returns the AWS_MSK_IAM mechanism. The SDK configuration is
// loaded at the first login, and every login signs with the current
// credentials.
func (a *AWSConfig) mechanism() sasl.Mechanism {
	var (
		mu       sync.Mutex
		provider aws.CredentialsProvider
	)
	settings := *a
	return awssasl.ManagedStreamingIAM(func(ctx context.Context) (awssasl.Auth, error) {
		mu.Lock()
		defer mu.Unlock()
		if provider == nil {
			p, err := settings.Credentials(ctx)
			if err != nil {
				return awssasl.Auth{}, err
			}
			provider = p
		}
		creds, err := provider.Retrieve(ctx)
		if err != nil {
			return awssasl.Auth{}, &AWSCredentialsError{RoleARN: settings.RoleARN, Err: err}
		}
		return awssasl.Auth{
			AccessKey:    creds.AccessKeyID,
			SecretKey:    creds.SecretAccessKey,
			SessionToken: creds.SessionToken,
			UserAgent:    DefaultClientID,
		}, nil
	})
}

// AWSCredentialsError reports that no AWS credentials could be resolved
// for AWS_MSK_IAM, or that the role could not be assumed.
type AWSCredentialsError struct {
	// RoleARN is the role that was to be assumed, if any.
	RoleARN string
	// Err is the SDK's error; it never holds a secret key.
	Err error
}

func (e *AWSCredentialsError) Error() string {
	what := "no AWS credentials could be resolved"
	if e.RoleARN != "" {
		what = "AWS role " + e.RoleARN + " could not be assumed with the credentials found"
	}
	return what + ": " + strings.TrimSpace(e.Err.Error())
}

// Unwrap returns the SDK's error.
func (e *AWSCredentialsError) Unwrap() error { return e.Err }
