package provider

// This file holds every operator-facing message of the provider, so they
// share one voice: a Title Case summary, then a detail that names the
// object, says what was attempted and what to do, and ends with the
// original error.

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/tenancy"
	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/topicconfig"
)

// clusterError reports a failed call to the cluster. Connection failures
// get the explanation diagnose established; anything else is reported as
// the action that failed.
func clusterError(diags *diag.Diagnostics, action string, err error) {
	var ce *kafka.ConnectError
	if errors.As(err, &ce) {
		summary, advice := connectAdvice(ce)
		diags.AddError(summary, fmt.Sprintf("kafkatenant could not %s. %s\n\nError: %s", action, advice, ce.Error()))
		return
	}
	diags.AddError("Kafka Request Failed", fmt.Sprintf("kafkatenant could not %s.\n\nError: %s", action, err))
}

// clusterTimeout reports a call that did not complete within the
// provider's timeout, which bounds each whole operation.
func clusterTimeout(diags *diag.Diagnostics, action string, servers []string, timeout time.Duration, err error) {
	diags.AddError("Kafka Cluster Did Not Answer in Time",
		fmt.Sprintf("kafkatenant could not %s within %s, the provider's timeout for one operation (timeout, or %s). The brokers tried were %s. "+
			"Check that they are up and reachable from this machine, or raise the timeout for a slow cluster. Running the apply again converges: "+
			"what this one created before the failure is found and adopted, and nothing is created twice.\n\nError: %s",
			action, timeout, envTimeout, strings.Join(servers, ", "), err))
}

// clusterUnavailable reports a call not attempted because the cluster had
// stopped answering earlier in the same run.
func clusterUnavailable(diags *diag.Diagnostics, action string, first error) {
	diags.AddError("Kafka Cluster Unavailable",
		fmt.Sprintf("kafkatenant did not try to %s: the cluster stopped answering earlier in this run, and waiting again for every resource would "+
			"only multiply the wait. Once the brokers are back, running the apply again converges: what this run created is found and adopted.\n\n"+
			"First error: %s", action, first))
}

// connectAdvice returns the summary and what-to-check text for a
// connection failure.
func connectAdvice(ce *kafka.ConnectError) (string, string) {
	switch ce.Kind {
	case kafka.ConnectUnreachable:
		return "Kafka Brokers Unreachable", fmt.Sprintf(
			"No TCP connection to %s could be opened. Check bootstrap_servers (or %s): the host name, the port of the listener, "+
				"and that no firewall or network policy sits between this machine and the brokers.", ce.Addr, envBootstrapServers)
	case kafka.ConnectTLSToPlaintext:
		return "TLS Enabled Against a Plaintext Listener", fmt.Sprintf(
			"The listener at %s answers plaintext Kafka requests, but the provider is configured to speak TLS. "+
				"Either point bootstrap_servers at the cluster's TLS listener, or set tls.enabled = false (%s=false) for this listener.", ce.Addr, envTLSEnabled)
	case kafka.ConnectPlaintextToTLS:
		return "Plaintext Connection to a TLS Listener", fmt.Sprintf(
			"The listener at %s expects TLS, but TLS is not enabled in the provider. Add a tls block (or set %s=true) "+
				"with ca_pem naming the authority that signed the brokers' certificates.", ce.Addr, envTLSEnabled)
	case kafka.ConnectTLSHandshake:
		return "TLS Handshake Failed", fmt.Sprintf(
			"The TLS handshake with %s failed. Check that tls.ca_pem holds the authority that signed the brokers' certificates, "+
				"that tls.server_name matches a name in them, and, for mutual TLS, that tls.cert_pem and tls.key_pem are accepted by the brokers.", ce.Addr)
	case kafka.ConnectSASLRequired:
		offered := "the mechanism the listener enables"
		if len(ce.EnabledMechanisms) > 0 {
			offered = "one of the mechanisms its SASL handshake offers: " + strings.Join(ce.EnabledMechanisms, ", ")
		}
		return "SASL Authentication Required", fmt.Sprintf(
			"The listener at %s requires SASL and the provider has no sasl settings. Configure sasl (or %s, %s and %s) with %s.",
			ce.Addr, envSASLMechanism, envSASLUsername, envSASLPassword, offered)
	case kafka.ConnectSASLMechanism:
		return "SASL Mechanism Not Enabled", fmt.Sprintf(
			"The listener at %s does not enable %s. Set sasl.mechanism to one it enables: %s.",
			ce.Addr, ce.Mechanism, strings.Join(ce.EnabledMechanisms, ", "))
	case kafka.ConnectSASLAuth:
		switch ce.Mechanism {
		case kafka.MechanismOAuthBearer:
			return "Kafka Rejected the OAuth Token", fmt.Sprintf(
				"The cluster at %s rejected the OAUTHBEARER token; some clusters report this only by closing the connection. "+
					"Check that the brokers' OAuth validation (issuer, JWKS endpoint, expected audience and scope claims, and the claim that names the principal) "+
					"accepts tokens from this token endpoint and client, that sasl.oauthbearer.scopes (%s) asks for what the brokers require, "+
					"that any sasl.oauthbearer.extensions the cluster needs are set (Confluent Cloud: logicalCluster and identityPoolId), "+
					"and, for a static token, that it has not expired.", ce.Addr, envOAuthScopes)
		case kafka.MechanismAWSMSKIAM:
			return "Kafka Rejected the AWS IAM Login", fmt.Sprintf(
				"The cluster at %s rejected the AWS_MSK_IAM login. Check that the IAM identity the provider runs as (or sasl.aws.role_arn) has a policy "+
					"allowing kafka-cluster:Connect and the admin actions on this cluster's ARN, that the cluster has IAM access control enabled on this listener "+
					"(port 9098 with TLS, 9198 for public access), and that the signature's region (from the broker host name, else AWS_REGION) is the cluster's.", ce.Addr)
		}
		return "Kafka Authentication Failed", fmt.Sprintf(
			"The cluster at %s rejected SASL %s authentication as %q; some clusters report this only by closing the connection. "+
				"Check sasl.username and sasl.password (or %s and %s), and that a %s credential exists for this user on the cluster "+
				"(SCRAM credentials are per mechanism).", ce.Addr, ce.Mechanism, ce.Username, envSASLUsername, envSASLPassword, ce.Mechanism)
	case kafka.ConnectOAuthEndpoint:
		return "OAuth Token Endpoint Unreachable", fmt.Sprintf(
			"The provider could not reach the OAuth token endpoint to get a token for the cluster at %s. Check sasl.oauthbearer.token_url (or %s): "+
				"the scheme, host name and path, that DNS resolves it from this machine, and that no proxy or firewall blocks it.", ce.Addr, envOAuthTokenURL)
	case kafka.ConnectOAuthRejected:
		return "OAuth Token Request Refused", fmt.Sprintf(
			"The OAuth token endpoint refused to issue a token for the cluster at %s. Check sasl.oauthbearer.client_id and client_secret (or %s and %s), "+
				"that the client may use the client-credentials grant, and that every scope in sasl.oauthbearer.scopes exists for it.",
			ce.Addr, envOAuthClientID, envOAuthClientSecret)
	case kafka.ConnectAWSCredentials:
		return "No AWS Credentials for MSK IAM", fmt.Sprintf(
			"The provider found no AWS credentials to sign the AWS_MSK_IAM login to %s, or could not assume sasl.aws.role_arn with them. "+
				"Provide credentials through the AWS SDK's default chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN for temporary ones), "+
				"a profile in the shared config files (sasl.aws.profile, %s or AWS_PROFILE), web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), "+
				"or an ECS task or EC2 instance role. With role_arn, check that the found identity may call sts:AssumeRole on it and that the role trusts it.",
			ce.Addr, envAWSProfile)
	default:
		return "Kafka Connection Failed", fmt.Sprintf(
			"The cluster at %s could not be reached or did not answer as a Kafka broker. Check bootstrap_servers, the tls settings "+
				"and the sasl settings against the listener's configuration.", ce.Addr)
	}
}

// saslBlockMismatch reports a mechanism-specific block set for another
// mechanism.
func saslBlockMismatch(diags *diag.Diagnostics, block, mechanism, wants string) {
	diags.AddAttributeError(path.Root("sasl").AtName(block), "SASL Settings for Another Mechanism",
		fmt.Sprintf("sasl.%s is set, but sasl.mechanism is %q; the %s settings are used only with %s. "+
			"Set sasl.mechanism (or %s) to %s, or remove the %s block.", block, mechanism, block, wants, envSASLMechanism, wants, block))
}

// oauthSettingsError reports OAUTHBEARER settings that cannot work.
func oauthSettingsError(diags *diag.Diagnostics, at path.Path, err error) {
	diags.AddAttributeError(at, "Invalid OAUTHBEARER Settings", fmt.Sprintf(
		"The provider cannot get a token for SASL OAUTHBEARER with these settings (from the provider block or the %s_* variables). "+
			"Set either a static token, or token_url, client_id and client_secret for the client-credentials flow.\n\nError: %s",
		strings.TrimSuffix(envOAuthToken, "_TOKEN"), err))
}

// oauthExtensionsEnvError reports a malformed extensions variable.
func oauthExtensionsEnvError(diags *diag.Diagnostics, pair string) {
	diags.AddAttributeError(path.Root("sasl").AtName("oauthbearer").AtName("extensions"), "Invalid OAUTHBEARER Extensions",
		fmt.Sprintf("%s holds %q, which is not a key=value pair. Write the extensions as comma-separated pairs, such as \"logicalCluster=lkc-1,identityPoolId=pool-2\".",
			envOAuthExtensions, strings.TrimSpace(pair)))
}

// topicConfigKeyProblem reports a topic config key outside Apache Kafka's
// catalogue that the brokers did not vouch for.
func topicConfigKeyProblem(diags *diag.Diagnostics, p topicconfig.KeyProblem) {
	at := path.Root("config").AtMapKey(p.Key)
	if p.Warning {
		diags.AddAttributeWarning(at, "Vendor Topic Config Not Checked", p.Detail)
		return
	}
	diags.AddAttributeError(at, "Unknown Topic Config", fmt.Sprintf(
		"Unknown topic config: %s\n\nFix the key or remove it. Apache Kafka's topic configs are listed at https://kafka.apache.org/documentation/#topicconfigs; "+
			"a vendor's own keys are accepted when the cluster's brokers list them.", p.Detail))
}

// invalidWholeNumber reports a whole-number attribute, or the environment
// variable standing for it (name), set to a fraction or a value out of its
// range. problem says which and names the range.
func invalidWholeNumber(diags *diag.Diagnostics, at path.Path, name, value, problem string) {
	diags.AddAttributeError(at, "Invalid Whole Number",
		fmt.Sprintf("%s = %s %s. It counts whole units (bytes, partitions, threads, versions), and the range keeps every figure computed from it exact.",
			name, value, problem))
}

// numberOutOfRange reports a fractional attribute, or the environment
// variable standing for it (name), outside its range.
func numberOutOfRange(diags *diag.Diagnostics, at path.Path, name, value, problem string) {
	diags.AddAttributeError(at, "Number Out of Range", fmt.Sprintf("%s = %s %s.", name, value, problem))
}

// topicExistsError reports a planned create of a topic that is already on
// the cluster.
func topicExistsError(diags *diag.Diagnostics, name string) {
	diags.AddAttributeError(path.Root("name"), "Topic Already Exists",
		fmt.Sprintf("A topic named %q already exists on the cluster, so it cannot be created. To manage the existing topic with Terraform, import it:\n\n"+
			"  terraform import <address> %s\n\nor add an import block with id = %q. Otherwise choose another name.", name, name, name))
}

// topicToAdopt warns that a topic to create exists already with exactly
// the planned settings, and will be adopted.
func topicToAdopt(diags *diag.Diagnostics, name string) {
	diags.AddAttributeWarning(path.Root("name"), "Existing Topic Will Be Adopted",
		fmt.Sprintf("The topic %q exists already, with exactly the partitions, replication factor and configs planned for it, and no state records it: "+
			"most likely an earlier apply created it and failed before it could record it. The apply takes it over as it is instead of creating it. "+
			"If another workspace or tool manages this topic, remove it from this configuration instead.", name))
}

// topicAdopted warns that a create found its topic created already.
func topicAdopted(diags *diag.Diagnostics, name string) {
	diags.AddAttributeWarning(path.Root("name"), "Existing Topic Adopted",
		fmt.Sprintf("Creating the topic %q found it created already, with exactly the planned settings: an earlier attempt whose answer was lost "+
			"created it. It is now recorded in state as it is; nothing was created twice.", name))
}

// replicationFactorError reports a replication factor the cluster cannot
// place.
func replicationFactorError(diags *diag.Diagnostics, rf int64, brokers int) {
	diags.AddAttributeError(path.Root("replication_factor"), "Replication Factor Exceeds Brokers",
		fmt.Sprintf("The replication factor %d needs %d brokers, and the cluster has %d live brokers. Each replica of a partition must sit on a different broker. "+
			"Lower replication_factor to at most %d, or add brokers first.", rf, rf, brokers, brokers))
}

// reassignmentIgnoredError reports a cluster that accepted a replication
// factor change without applying it.
func reassignmentIgnoredError(diags *diag.Diagnostics, name string, err error) {
	diags.AddAttributeError(path.Root("replication_factor"), "Replication Factor Change Not Applied",
		fmt.Sprintf("The cluster accepted the partition reassignment of topic %q but still reports the old replica lists. "+
			"Real Kafka clusters apply reassignments; the embedded kfake development cluster accepts them and changes nothing. "+
			"State keeps the replication factor the cluster reports, so the next plan shows the change again.\n\nError: %s", name, err))
}

// removedOutsideTerraform warns that a resource vanished from the cluster.
func removedOutsideTerraform(diags *diag.Diagnostics, kind, name string) {
	diags.AddWarning(fmt.Sprintf("%s Deleted Outside Terraform", kind),
		fmt.Sprintf("The %s %q no longer exists on the cluster, so it was removed from state; the next apply creates it again.", strings.ToLower(kind), name))
}

// topicRecreatedWarning warns that the topic now has another topic ID.
func topicRecreatedWarning(diags *diag.Diagnostics, name, was, now string) {
	diags.AddWarning("Topic Recreated Outside Terraform",
		fmt.Sprintf("The topic %q had ID %s and now has ID %s: it was deleted and created again outside Terraform, and the records of the old topic are gone. "+
			"State now follows the new topic.", name, was, now))
}

// deferredChecksWarning notes that plan-time checks could not run.
func deferredChecksWarning(diags *diag.Diagnostics) {
	diags.AddWarning("Cluster Checks Deferred",
		"The provider's connection settings are not known until apply, so checks that read the cluster (existing topics, broker count, namespaces, capacity) "+
			"did not run during this plan. They run again when the change is applied.")
}

// namespaceViolations reports broken namespace rules of a virtual cluster
// or tenant, each against the attribute at fault. atApply marks checks
// re-run when applying, which can see objects other workspaces registered
// after the plan was made.
func namespaceViolations(diags *diag.Diagnostics, object, name string, violations []tenancy.Violation, atApply bool) {
	suffix := ""
	if atApply {
		suffix = "\n\nThis was found while applying, against the registry as it is now: another workspace may have registered the conflicting object " +
			"after this plan was made. The earlier registration wins; nothing was changed for this " + object + "."
	}
	for _, v := range violations {
		at, summary, detail := violationText(object, name, v)
		diags.AddAttributeError(at, summary, detail+suffix)
	}
}

// prefixAttribute is the attribute holding a prefix of the given kind; a
// virtual cluster has one prefix for every kind.
func prefixAttribute(object string, kind tenancy.NameKind) path.Path {
	if object == "virtual cluster" || kind == "" {
		return path.Root("prefix")
	}
	if kind == tenancy.TransactionalIDNames {
		return path.Root("transactional_id_prefix")
	}
	return path.Root(string(kind) + "_prefix")
}

func violationText(object, name string, v tenancy.Violation) (path.Path, string, string) {
	what := strings.ReplaceAll(string(v.Kind), "_", " ")
	if what == "" {
		what = "name"
	}
	at := prefixAttribute(object, v.Kind)
	switch v.Rule {
	case tenancy.RuleEmptyPrefix:
		return at, "Empty Prefix", fmt.Sprintf("The %s %q has an empty %s prefix, which would own every %s on the cluster. Give it a prefix such as %q.",
			object, name, what, what, name+".")
	case tenancy.RuleInternalPrefix:
		return at, "Prefix Covers Internal Topics", fmt.Sprintf("The %s prefix %q of %s %q covers %q. Names starting with '_' belong to Kafka (__consumer_offsets, "+
			"__transaction_state) and to kafkatenant's registry, and no tenant may own them. Choose a prefix that starts with a letter or digit, such as %q.",
			what, v.Value, object, name, v.OtherValue, name+".")
	case tenancy.RulePrefixOverlap:
		return at, "Overlapping Prefixes", fmt.Sprintf("The %s prefix %q of %s %q overlaps the prefix %q of %s: one is a prefix of the other, so both would own "+
			"names such as %q and isolation would silently break. Choose a prefix that neither starts with %q nor is the start of it, for example by ending both with '.'.",
			what, v.Value, object, name, v.OtherValue, v.Other, longer(v.Value, v.OtherValue)+"x", v.OtherValue)
	case tenancy.RuleOutsideVirtualCluster:
		return at, "Prefix Outside Virtual Cluster", fmt.Sprintf("The %s prefix %q of %s %q does not start with %q, the prefix of its %s. "+
			"A tenant's names must lie inside its virtual cluster. Use a prefix such as %q, or omit it to get that default.",
			what, v.Value, object, name, v.OtherValue, v.Other, v.OtherValue+name+".")
	case tenancy.RulePrincipalTaken:
		return path.Root("principal"), "Principal Already Used", fmt.Sprintf("The principal %q of %s %q already belongs to %s. "+
			"Two tenants sharing a principal would share all their permissions. Give this tenant its own principal, or omit principal to get its default.",
			v.Value, object, name, v.Other)
	case tenancy.RuleUnknownVirtualCluster:
		return path.Root("virtual_cluster"), "Virtual Cluster Not Found", fmt.Sprintf("The %s %q names virtual cluster %q, which is not in the registry. "+
			"Create it with a kafkatenant_virtual_cluster resource first (referencing its name makes Terraform order the two), or fix the name.",
			object, name, v.Value)
	case tenancy.RuleSharedTopicInside:
		return path.Root("shared_topics"), "Shared Topic Inside the Prefix", fmt.Sprintf("The shared topic %q of %s %q lies inside its own prefix %q, "+
			"so its tenants own it already. Shared topics are for topics outside the prefix; remove it from shared_topics.", v.Value, object, name, v.OtherValue)
	case tenancy.RuleSharedTopicInternal:
		return path.Root("shared_topics"), "Internal Topic Cannot Be Shared", fmt.Sprintf("The topic %q is internal to Kafka or kafkatenant and cannot be shared "+
			"with the tenants of %s %q. Remove it from shared_topics.", v.Value, object, name)
	}
	return at, "Namespace Rule Broken", fmt.Sprintf("%s %q breaks namespace rule %d: %+v", object, name, v.Rule, v)
}

func longer(a, b string) string {
	if len(a) > len(b) {
		return a
	}
	return b
}

// virtualClusterHasTenants refuses to destroy a virtual cluster in use.
func virtualClusterHasTenants(diags *diag.Diagnostics, name string, tenants []tenancy.Tenant) {
	names := make([]string, len(tenants))
	for i, t := range tenants {
		names[i] = fmt.Sprintf("%q", t.Name)
	}
	diags.AddError("Virtual Cluster Still Has Tenants",
		fmt.Sprintf("The virtual cluster %q cannot be destroyed while tenants belong to it: %s. Destroy those tenants first, in this workspace or "+
			"the ones that manage them, then destroy the virtual cluster. Nothing was changed.", name, strings.Join(names, ", ")))
}

// sharedTopicMissing reports a shared topic absent from the cluster and
// from the plan: an error when applying, a warning when planning (a topic
// created outside this configuration may still appear before the apply).
func sharedTopicMissing(diags *diag.Diagnostics, topic string, applying bool) {
	if !applying {
		diags.AddAttributeWarning(path.Root("shared_topics"), "Shared Topic Not Found Yet",
			fmt.Sprintf("The shared topic %q does not exist on the cluster yet. The apply fails unless it exists by then, for instance because a "+
				"kafkatenant_topic referenced in shared_topics creates it first.", topic))
		return
	}
	diags.AddAttributeError(path.Root("shared_topics"), "Shared Topic Not Found",
		fmt.Sprintf("The shared topic %q does not exist on the cluster. Only existing topics can be shared: create it first "+
			"(a kafkatenant_topic referenced here makes Terraform order the two), or fix the name. Nothing was changed.", topic))
}

// credentialsNeedUser reports SCRAM credentials on a non-User principal.
func credentialsNeedUser(diags *diag.Diagnostics, principal string) {
	diags.AddAttributeError(path.Root("credentials"), "Credentials Need a User Principal",
		fmt.Sprintf("SCRAM credentials authenticate principals of type User, and this tenant's principal is %q. Either give the tenant a "+
			"\"User:<name>\" principal, or remove credentials and authenticate it another way (mTLS, OAuth).", principal))
}

// scramCredentialsOnIAM refuses a SCRAM credential on a cluster the
// provider reaches with AWS_MSK_IAM.
func scramCredentialsOnIAM(diags *diag.Diagnostics, tenant string) {
	diags.AddAttributeError(path.Root("credentials"), "SCRAM Credentials on an AWS IAM Connection",
		fmt.Sprintf("Tenant %q sets credentials, but the provider connects with AWS_MSK_IAM. Amazon MSK keeps SCRAM users in AWS Secrets Manager "+
			"(associated with the cluster by the MSK API), not through Kafka's AlterUserScramCredentials, so the provider cannot create this credential. "+
			"Remove credentials and let the tenant's applications authenticate with an IAM role whose policy allows kafka-cluster actions on the tenant's "+
			"topic, group and transactional-id prefixes; or manage the SCRAM secret with the AWS provider (aws_msk_scram_secret_association), "+
			"where the tenant's ACLs still apply to its SCRAM logins.", tenant))
}

// tenantOwnsTopics refuses to destroy a tenant that still has topics.
func tenantOwnsTopics(diags *diag.Diagnostics, name, prefix string, topics []string) {
	shown := topics
	if len(shown) > 10 {
		shown = shown[:10]
	}
	more := ""
	if len(topics) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(topics)-len(shown))
	}
	diags.AddError("Tenant Still Owns Topics",
		fmt.Sprintf("The tenant %q cannot be destroyed while topics under its prefix %q exist: %s%s. Destroying it would leave them without an owner. "+
			"Delete those topics first (destroy their kafkatenant_topic resources, here or in the workspaces that manage them), or set force_destroy = true "+
			"to delete them, and their records, together with the tenant. Nothing was changed.", name, prefix, strings.Join(shown, ", "), more))
}

// importNameError reports an import ID that cannot name a virtual cluster
// or tenant, before anything is looked up.
func importNameError(diags *diag.Diagnostics, kind, id, problem string) {
	diags.AddError("Invalid Import ID",
		fmt.Sprintf("The import ID %q is not a %s name: %s. Import a %s by its name, as in its name attribute, for example \"london\".", id, kind, problem, kind))
}

// aclImportIDError reports an import ID that is not a binding.
func aclImportIDError(diags *diag.Diagnostics, id string, err error) {
	diags.AddError("Invalid Import ID",
		fmt.Sprintf("The import ID %q is not an ACL binding: %s. Write it as resource_type|pattern_type|resource_name|principal|host|operation|permission, "+
			"for example \"TOPIC|LITERAL|orders|User:CN=app,OU=eu|*|READ|ALLOW\". Principals keep their ':' and ','; write a '|' inside a field as %%7C and a '%%' as %%25.", id, err))
}

// aclEnumError reports a value that is not one of Kafka's enums.
func aclEnumError(diags *diag.Diagnostics, attribute, value string, allowed []string) {
	diags.AddAttributeError(path.Root(attribute), "Invalid ACL "+titleWords(attribute),
		fmt.Sprintf("%q is not a Kafka ACL %s. Use one of %s (any case).", value, strings.ReplaceAll(attribute, "_", " "), strings.Join(allowed, ", ")))
}

// aclClusterNameError reports a CLUSTER binding on another name.
func aclClusterNameError(diags *diag.Diagnostics, name string) {
	diags.AddAttributeError(path.Root("resource_name"), "Invalid Cluster Resource Name",
		fmt.Sprintf("A CLUSTER binding is always on the resource named %q, not %q. Set resource_name = %q.", kafka.ClusterResourceName, name, kafka.ClusterResourceName))
}

// aclClusterPatternError reports a prefixed CLUSTER binding.
func aclClusterPatternError(diags *diag.Diagnostics) {
	diags.AddAttributeError(path.Root("pattern_type"), "Invalid Cluster Pattern Type",
		"A CLUSTER binding must use pattern_type LITERAL: there is only one cluster resource. Remove pattern_type or set it to LITERAL.")
}

// crossTenantError refuses a binding that silently crosses namespaces.
func crossTenantError(diags *diag.Diagnostics, b kafka.ACL, crossings []crossing, atApply bool) {
	for _, c := range crossings {
		detail := fmt.Sprintf("The ACL %s lets %s into the namespace of %s. A grant that crosses tenant namespaces must be explicit: "+
			"if this sharing is intended, set cross_tenant = true on this binding; otherwise bind a resource inside the principal's own namespace.",
			b.String(), c.from, c.into)
		if atApply {
			detail += "\n\nThis was found while applying: the owning tenant was registered after the plan was made. Nothing was changed."
		}
		diags.AddAttributeError(path.Root("cross_tenant"), "Cross-Tenant Grant Not Marked", detail)
	}
}

// crossTenantUnneeded warns about cross_tenant on a binding that crosses
// nothing, so the flag keeps its meaning in reviews.
func crossTenantUnneeded(diags *diag.Diagnostics, b kafka.ACL) {
	diags.AddAttributeWarning(path.Root("cross_tenant"), "Cross-Tenant Flag Not Needed",
		fmt.Sprintf("The ACL %s does not let one tenant into another's namespace, so cross_tenant = true is not needed. Remove it so that the flag, "+
			"when reviewers see it, always marks a real crossing.", b.String()))
}

// titleWords turns "pattern_type" into "Pattern Type".
func titleWords(s string) string {
	words := strings.Split(s, "_")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// topicOutsideTenant reports a tenant's topic named outside its prefix.
func topicOutsideTenant(diags *diag.Diagnostics, name string, t tenancy.Tenant) {
	prefix := t.Prefixes[tenancy.TopicNames]
	diags.AddAttributeError(path.Root("name"), "Topic Outside Tenant Namespace",
		fmt.Sprintf("The topic %q belongs to tenant %q, whose topics must start with %q. A topic outside the prefix would escape the tenant's ACLs "+
			"and budgets. Name it %q (provider::kafkatenant::topic_name(%q, %q) composes such names), or give it the tenant that owns that name.",
			name, t.Name, prefix, tenancy.SuggestTopicName(prefix, name), prefix, tenancy.SuggestTopicName("", name)))
}

// topicInsideTenant reports a topic in a tenant's namespace that does not
// say it belongs to that tenant.
func topicInsideTenant(diags *diag.Diagnostics, name string, owner tenancy.Tenant) {
	diags.AddAttributeError(path.Root("tenant"), "Topic Inside a Tenant Namespace",
		fmt.Sprintf("The topic %q lies inside the topic prefix %q of tenant %q but does not name a tenant, so the tenant's budgets would not count it. "+
			"Set tenant = %q, or choose a name outside every tenant's prefix.", name, owner.Prefixes[tenancy.TopicNames], owner.Name, owner.Name))
}

// topicTenantNotFound reports a topic whose tenant is not registered.
func topicTenantNotFound(diags *diag.Diagnostics, name, tenant string) {
	diags.AddAttributeError(path.Root("tenant"), "Tenant Not Found",
		fmt.Sprintf("The topic %q names tenant %q, which is not in the registry. Create the tenant first (referencing the kafkatenant_tenant resource's "+
			"name makes Terraform order the two), or fix the name. Nothing was changed.", name, tenant))
}

// budgetExceeded reports a topic that would exceed its tenant's budget.
func budgetExceeded(diags *diag.Diagnostics, name string, t tenancy.Tenant, v tenancy.BudgetViolation) {
	diags.AddError("Tenant Budget Exceeded", budgetText(name, t, v)+" Nothing was changed.")
}

// budgetExceededConcurrently reports a budget found exceeded right after
// creating a topic, because other topics were created at the same moment.
func budgetExceededConcurrently(diags *diag.Diagnostics, name string, t tenancy.Tenant, v tenancy.BudgetViolation) {
	diags.AddError("Tenant Budget Exceeded",
		budgetText(name, t, v)+" This was found right after creating the topic: another workspace created topics for the same tenant at the same moment. "+
			"The topic was deleted again, so the budget holds.")
}

func budgetText(name string, t tenancy.Tenant, v tenancy.BudgetViolation) string {
	switch v.Budget {
	case tenancy.BudgetTopics:
		return fmt.Sprintf("Tenant %q may have %d topics (budgets.max_topics) and already has %d under %q, so topic %q would be one too many. "+
			"Delete a topic of the tenant or raise budgets.max_topics.", t.Name, v.Limit, v.Used, t.Prefixes[tenancy.TopicNames], name)
	case tenancy.BudgetPartitions:
		return fmt.Sprintf("Tenant %q may have %d partitions (budgets.max_partitions); its other topics have %d and topic %q asks for %d, %d in all. "+
			"Lower partitions or raise budgets.max_partitions.", t.Name, v.Limit, v.Used, name, v.Requested, v.Total())
	default:
		if len(v.Unlimited) > 0 {
			return fmt.Sprintf("Tenant %q may keep %d bytes of log (budgets.max_retention_bytes: retention.bytes times partitions over its topics), "+
				"but these topics set no retention.bytes and can grow without bound: %s. Set config \"retention.bytes\" on them.",
				t.Name, v.Limit, strings.Join(v.Unlimited, ", "))
		}
		return fmt.Sprintf("Tenant %q may keep %d bytes of log (budgets.max_retention_bytes); its other topics keep %d and topic %q asks for %d "+
			"(retention.bytes times partitions), %d in all. Lower retention.bytes or partitions, or raise the budget.",
			t.Name, v.Limit, v.Used, name, v.Requested, v.Total())
	}
}

// capacityExceeded reports a quota write that would overcommit the brokers
// or a virtual cluster's envelope, with the arithmetic. stage says whether
// it was found planning, applying, or verifying after a write that raced
// another workspace's.
func capacityExceeded(diags *diag.Diagnostics, v tenancy.CapacityViolation, stage checkStage) {
	summary := "Quota Exceeds Declared Capacity"
	if v.VirtualCluster != "" {
		summary = "Quota Exceeds Virtual Cluster Envelope"
	}
	detail := v.Message
	switch stage {
	case verifying:
		detail += "\n\nThis was found right after writing the quota: another workspace wrote a quota at the same moment, and together they overcommit " +
			"the cluster. This quota was rolled back to its previous value, so the cluster is not overcommitted. Re-plan to see the cluster as it is now."
	case applying:
		detail += "\n\nThis was found while applying, against the quotas on the cluster now (another workspace wrote a quota after the plan was made). " +
			"Nothing was changed."
	}
	at := path.Root(v.Dimension)
	if v.Dimension == "partitions" {
		at = path.Root("partitions")
	}
	diags.AddAttributeError(at, summary, detail)
}

// quotaVerificationUnread warns that a written quota could not be checked
// again afterwards.
func quotaVerificationUnread(diags *diag.Diagnostics, entity string, err error) {
	diags.AddWarning("Quota Written but Not Verified",
		fmt.Sprintf("The client quota of %s was checked against capacity and written, but reading the cluster's quotas again afterwards, to catch "+
			"another workspace writing one at the same moment, failed. Nothing was found overcommitted; the quota stays as written, and the next plan "+
			"checks the cluster again.\n\nError: %s", entity, err))
}

// quotaExceedsBroker reports a quota value larger than one broker can grant
// to anyone.
func quotaExceedsBroker(diags *diag.Diagnostics, v tenancy.CapacityViolation) {
	diags.AddAttributeError(path.Root(v.Dimension), "Quota Exceeds One Broker", v.Message+". Nothing was changed.")
}

// capacityWarning reports a standing capacity problem the planned quota
// neither causes nor worsens.
func capacityWarning(diags *diag.Diagnostics, v tenancy.CapacityViolation) {
	diags.AddWarning("Existing Capacity Problem", v.Message+"\n\nThis stands on the cluster already and this quota does not make it worse, "+
		"so the quota is not refused. In a first rollout it often only means that other quotas of the same plan are not applied yet.")
}

// noCapacityDeclared warns, once per plan, that quotas are not checked.
func noCapacityDeclared(diags *diag.Diagnostics) {
	diags.AddWarning("No Broker Capacity Declared",
		"The provider declares no broker capacity, so quotas are not checked against what the brokers can deliver (virtual cluster envelopes still are). "+
			"Declare it with the provider's capacity attribute, or the KAFKATENANT_CAPACITY_* variables, to have plans refuse quotas that overcommit the cluster.")
}

// quotaKeyNotForEntity reports a quota key Kafka does not accept for the
// entity type.
func quotaKeyNotForEntity(diags *diag.Diagnostics, attribute, entityType string) {
	diags.AddAttributeError(path.Root(attribute), "Quota Key Not Valid for Entity",
		fmt.Sprintf("Kafka does not accept %s on a %s quota entity: connection_creation_rate applies only to ip entities, and the byte rates, "+
			"request_percentage and controller_mutation_rate only to user and client-id entities. Remove %s or change the entity.", attribute, entityType, attribute))
}

// quotaTenantNotFound reports a quota whose tenant is not registered.
func quotaTenantNotFound(diags *diag.Diagnostics, tenant string) {
	diags.AddAttributeError(path.Root("tenant"), "Tenant Not Found",
		fmt.Sprintf("The quota names tenant %q, which is not in the registry. Create the tenant first (referencing the kafkatenant_tenant resource's "+
			"name makes Terraform order the two), or fix the name. Nothing was changed.", tenant))
}

// quotaTenantNotUser reports a tenant whose principal no quota can name.
func quotaTenantNotUser(diags *diag.Diagnostics, t tenancy.Tenant) {
	diags.AddAttributeError(path.Root("tenant"), "Tenant Principal Is Not a User",
		fmt.Sprintf("Kafka client quotas name users, and tenant %q has principal %q. Use client_id or ip entities for it instead.", t.Name, t.Principal))
}

// quotaUserNotTenants reports a quota configured with both tenant and a
// user other than the tenant's.
func quotaUserNotTenants(diags *diag.Diagnostics, tenant, user, tenantUser string) {
	diags.AddAttributeError(path.Root("user"), "Quota User Does Not Match Tenant",
		fmt.Sprintf("The quota names tenant %q, whose user is %q, and user %q. With tenant set, user is computed from the tenant's principal: "+
			"remove user, or set it to %q. Nothing was changed.", tenant, tenantUser, user, tenantUser))
}

// quotaRejectedByBrokers reports a quota the brokers refused in a
// validate-only alter.
func quotaRejectedByBrokers(diags *diag.Diagnostics, entity string, err error) {
	diags.AddError("Quota Rejected by the Brokers",
		fmt.Sprintf("The brokers refused the quota on %s when asked to validate it without applying it. Fix the quota as the error says.\n\nError: %s", entity, err))
}

// quotaImportIDError reports an import ID that is not a quota entity.
func quotaImportIDError(diags *diag.Diagnostics, id string, err error) {
	diags.AddError("Invalid Import ID",
		fmt.Sprintf("The import ID %q is not a quota entity: %s. Write it as Kafka names entities, for example \"user=london.payments\", "+
			"\"user=london.payments,client-id=batch\", \"user=<default>\" or \"ip=10.0.0.1\".", id, err))
}

// envelopeExceedsCapacity reports virtual-cluster envelopes that together
// promise more than the brokers deliver.
func envelopeExceedsCapacity(diags *diag.Diagnostics, v tenancy.CapacityViolation, applying bool) {
	detail := v.Message
	if applying {
		detail += "\n\nThis was found while applying, against the registry as it is now. Nothing was changed."
	}
	diags.AddAttributeError(path.Root("capacity").AtName(v.Dimension), "Envelopes Exceed Declared Capacity", detail)
}

// envelopeBelowAllocation refuses to shrink an envelope below what its
// tenants already hold.
func envelopeBelowAllocation(diags *diag.Diagnostics, vc, dimension string, limit, held float64) {
	diags.AddAttributeError(path.Root("capacity").AtName(dimension), "Envelope Below What Tenants Hold",
		fmt.Sprintf("The %s envelope of virtual cluster %q would be %s per broker, but its tenants already hold %s per broker. "+
			"Lower their quotas (or delete topics, for partitions) first, or keep the envelope at %s or more.",
			dimension, vc, tenancy.FormatDimension(dimension, limit), tenancy.FormatDimension(dimension, held), tenancy.FormatDimension(dimension, held)))
}

// partitionsExceeded reports partition replicas over the declared limit or
// a virtual cluster's envelope.
func partitionsExceeded(diags *diag.Diagnostics, err error) {
	summary := "Partitions Exceed Declared Capacity"
	var v tenancy.CapacityViolation
	if errors.As(err, &v) && v.VirtualCluster != "" {
		summary = "Partitions Exceed Virtual Cluster Envelope"
	}
	diags.AddAttributeError(path.Root("partitions"), summary, err.Error()+" Nothing was changed.")
}

// throttleTenantNotFound reports a throttle-status lookup of an unknown
// tenant.
func throttleTenantNotFound(diags *diag.Diagnostics, tenant string) {
	diags.AddAttributeError(path.Root("tenant"), "Tenant Not Found",
		fmt.Sprintf("No tenant named %q is in the registry. Check the name, or look the principal up with user instead.", tenant))
}

// metricsReadFailed reports a metrics source that could not be read.
func metricsReadFailed(diags *diag.Diagnostics, kind string, err error) {
	diags.AddError("Metrics Source Failed",
		fmt.Sprintf("kafkatenant could not read the tenant's metrics from the %s source configured in the provider's metrics attribute. "+
			"Check that the URL answers from this machine and the credentials; the error names what failed.\n\nError: %s", kind, err))
}

// unreadableRecord warns about a registry record that could not be read.
func unreadableRecord(diags *diag.Diagnostics, registryTopic string, s kafka.SkippedRecord) {
	diags.AddWarning("Unreadable Registry Record",
		fmt.Sprintf("The record %q at offset %d of the registry topic %q cannot be read: %s. It is skipped: the object it names counts as having no "+
			"record for the checks, its resource keeps its state, and no Kafka object is deleted because of it. If a newer provider wrote it, upgrade "+
			"this workspace's provider. Otherwise write a tombstone for the key (for example `echo '%s:' | kcat -b <broker> -t %s -P -Z -K:`); it takes "+
			"effect at once, and the next plan of the workspace that manages the object registers it again from state. See the registry recovery guide.",
			s.Key, s.Offset, registryTopic, s.Reason, s.Key, registryTopic))
}

// recordMissing warns that an object's registry record is gone while its
// Kafka objects are not, and that the apply registers it again.
func recordMissing(diags *diag.Diagnostics, object, name, registryTopic string) {
	diags.AddWarning("Registry Record Missing",
		fmt.Sprintf("The %s %q has no record in the registry topic %q, but what Kafka holds for it is intact. The registry is only an index: the "+
			"record is written again from state by the next apply, which the plan shows as an in-place update of registered. Nothing is replaced "+
			"or deleted. If the registry topic itself was deleted, the first write creates it again.", object, name, registryTopic))
}

// claimIntruder warns an earlier owner about a later, conflicting claim.
func claimIntruder(diags *diag.Diagnostics, object, name string, v tenancy.Violation, intruder kafka.Record, principal string) {
	by := ""
	if intruder.Writer != "" {
		by = fmt.Sprintf(", written by %s", intruder.Writer)
	}
	if principal != "" {
		principal = fmt.Sprintf(" (principal %s)", principal)
	}
	_, summary, _ := violationText(object, name, v)
	diags.AddWarning("Later Conflicting Claim in the Registry",
		fmt.Sprintf("The registry record %q at offset %d%s, for %s%s, conflicts with %s %q (%s: %q against %q). The %s %q registered its claim "+
			"first, so it keeps it and this plan is not affected; only the later claimant's plans fail. Ask the workspace that manages %s to change "+
			"it, or remove its record if it is stale (see the registry recovery guide).", kafka.RecordKey(v.OtherKind, v.OtherName), intruder.Offset,
			by, v.Other, principal, object, name, summary, v.Value, v.OtherValue, object, name, v.Other))
}

// internalTopicRefused reports a topic resource for an internal topic.
func internalTopicRefused(diags *diag.Diagnostics, name, why string) {
	diags.AddAttributeError(path.Root("name"), "Internal Topic Cannot Be Managed",
		fmt.Sprintf("The topic %q %s. kafkatenant_topic refuses to manage or import it: changing its configs or deleting it could lose every "+
			"workspace's data or metadata. Remove it from the configuration; to stop managing one already in state, run `terraform state rm` on it.", name, why))
}

// tenantHeldBinding reports an ACL resource for a binding a tenant holds.
func tenantHeldBinding(diags *diag.Diagnostics, b kafka.ACL, tenant string) {
	diags.AddError("ACL Binding Belongs to a Tenant",
		fmt.Sprintf("The ACL %s is one of the bindings tenant %q holds, which the kafkatenant_tenant resource manages. Managing it with kafkatenant_acl "+
			"too would let destroying this resource cut the tenant's access. Remove it from the configuration (the tenant already grants it), or "+
			"bind something the tenant does not hold.", b.String(), tenant))
}

// invalidShareTenant reports a fair-share tenant's weight, floor or
// ceiling that cannot be used.
func invalidShareTenant(diags *diag.Diagnostics, name string, err error) {
	diags.AddAttributeError(tenantPath(name), "Invalid Fair-Share Tenant",
		fmt.Sprintf("The fair share cannot use the settings of tenant %q. Fix the values named below.\n\nError: %s", name, err))
}

// invalidFairShare reports a fair-share request the computation refused.
func invalidFairShare(diags *diag.Diagnostics, err error) {
	diags.AddError("Invalid Fair Share",
		fmt.Sprintf("kafkatenant could not compute the fair share; fix the values named below.\n\nError: %s", err))
}

// shareFloorsExceed reports floors that together exceed what a key has
// available in the scope, with the arithmetic.
func shareFloorsExceed(diags *diag.Diagnostics, scope string, e *tenancy.FloorsExceedError, l shareLimit) {
	var held string
	if l.held > 0 {
		var largest []string
		for _, h := range l.holders[:min(len(l.holders), 3)] {
			largest = append(largest, fmt.Sprintf("%s %s", h.Entity, tenancy.FormatDimension(string(e.Key), h.Total)))
		}
		held = fmt.Sprintf(", of which quotas outside the share hold %s (largest: %s)", tenancy.FormatDimension(string(e.Key), l.held), strings.Join(largest, ", "))
	}
	diags.AddAttributeError(path.Root("tenants"), "Fair-Share Floors Exceed the Scope",
		fmt.Sprintf("The tenants' guaranteed minimums cannot all be given in %s: %s. The scope's %s limit is %s (%s)%s. Lower the floors, "+
			"share among fewer tenants, or make room: raise the envelope or declared capacity, or lower the quotas outside the share. Nothing was changed.",
			scope, e.Error(), e.Key, tenancy.FormatDimension(string(e.Key), l.limit), l.explanation, held))
}

// shareDemandWithoutMetrics reports demand asked for without a metrics
// source to read it from.
func shareDemandWithoutMetrics(diags *diag.Diagnostics) {
	diags.AddAttributeError(path.Root("demand"), "Demand Needs a Metrics Source",
		"The fair share is asked to follow observed demand, but the provider has no metrics source. Configure the provider's metrics attribute "+
			"(prometheus_url or endpoints, or "+envMetrics("prometheus_url")+"), or remove demand to share by weight alone.")
}

// shareWindowWithoutPrometheus reports a demand window the metrics source
// cannot serve.
func shareWindowWithoutPrometheus(diags *diag.Diagnostics, window, kind string) {
	diags.AddAttributeError(path.Root("demand").AtName("window"), "Demand Window Needs Prometheus",
		fmt.Sprintf("demand.window = %q asks for the highest traffic over a window, but the provider's metrics source is %s, which serves only present "+
			"values (Kafka's own rates over its quota window, 11 seconds by default). Remove window to use present values, or point the provider's "+
			"metrics at a Prometheus server with prometheus_url.", window, kind))
}

// shareVirtualClusterNotFound reports a fair share of an unknown virtual
// cluster.
func shareVirtualClusterNotFound(diags *diag.Diagnostics, vc string) {
	diags.AddAttributeError(path.Root("virtual_cluster"), "Virtual Cluster Not Found",
		fmt.Sprintf("No virtual cluster named %q is in the registry. Check the name; when the virtual cluster is created in the same configuration, "+
			"reference its resource's name (kafkatenant_virtual_cluster.<label>.name) so that Terraform reads the fair share after creating it.", vc))
}

// shareKeysNotBounded reports keys the scope gives no limit to share.
func shareKeysNotBounded(diags *diag.Diagnostics, vc string, keys []tenancy.QuotaKey, c tenancy.Capacity) {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = string(k)
	}
	var detail string
	switch {
	case vc != "" && len(keys) == 0:
		detail = fmt.Sprintf("The envelope of virtual cluster %s declares none of %s, so there is nothing to share. Give it a capacity envelope.", vc, joinQuotaKeys(tenancy.FairShareKeys))
	case vc != "":
		detail = fmt.Sprintf("The envelope of virtual cluster %s does not declare %s, so there is no limit to share. Declare it in the virtual cluster's capacity, or leave it out of keys.", vc, strings.Join(names, ", "))
	case len(keys) == 0:
		detail = "The provider's capacity declares none of " + joinQuotaKeys(tenancy.FairShareKeys) + ", so the whole cluster has no limit to share. Declare the brokers' capacity in the provider, or share a virtual cluster's envelope."
	default:
		var reasons []string
		for _, k := range keys {
			reasons = append(reasons, c.NotChecked(k))
		}
		detail = fmt.Sprintf("The whole cluster has no declared limit for %s: %s. Declare it in the provider's capacity, or leave it out of keys.", strings.Join(names, ", "), strings.Join(reasons, "; "))
	}
	diags.AddAttributeError(path.Root("keys"), "Fair-Share Key Not Bounded by the Scope", detail)
}

func joinQuotaKeys(keys []tenancy.QuotaKey) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// shareTenantNotFound reports a fair-share tenant missing from the
// registry.
func shareTenantNotFound(diags *diag.Diagnostics, name string) {
	diags.AddAttributeError(tenantPath(name), "Tenant Not Found",
		fmt.Sprintf("No tenant named %q is in the registry, so the fair share cannot find its user, quota or traffic. Check the name; when the tenant is "+
			"created in the same configuration, key tenants by its resource's name (kafkatenant_tenant.<label>.name, or a module output) so that "+
			"Terraform reads the fair share after creating it.", name))
}

// shareTenantNotUser reports a fair-share tenant whose principal is not a
// user, which quotas cannot name.
func shareTenantNotUser(diags *diag.Diagnostics, t tenancy.Tenant) {
	diags.AddAttributeError(tenantPath(t.Name), "Tenant Has No User",
		fmt.Sprintf("Tenant %q has the principal %q, not a User: principal, so no user quota can be written for it. Leave it out of the fair share.", t.Name, t.Principal))
}

// shareTenantOutside reports a tenant of another virtual cluster in a
// virtual cluster's fair share.
func shareTenantOutside(diags *diag.Diagnostics, t tenancy.Tenant, vc string) {
	where := "in no virtual cluster"
	if t.VirtualCluster != "" {
		where = "in virtual cluster " + t.VirtualCluster
	}
	diags.AddAttributeError(tenantPath(t.Name), "Tenant Outside the Virtual Cluster",
		fmt.Sprintf("Tenant %q is %s, so it has no share of virtual cluster %s's envelope. Leave it out, or share the scope it belongs to.", t.Name, where, vc))
}

// shareTenantInEnvelope reports a tenant in a cluster-wide fair share whose
// virtual cluster's envelope also bounds a shared key: quotas from the
// cluster's share could break the envelope.
func shareTenantInEnvelope(diags *diag.Diagnostics, t tenancy.Tenant, key tenancy.QuotaKey) {
	diags.AddAttributeError(tenantPath(t.Name), "Tenant Bound by a Virtual Cluster Envelope",
		fmt.Sprintf("Tenant %q is in virtual cluster %s, whose envelope bounds %s: a share of the whole cluster could exceed that envelope, and its "+
			"quota would be refused. Share the virtual cluster's envelope instead (virtual_cluster = %q), or leave %s out of keys.", t.Name, t.VirtualCluster, key, t.VirtualCluster, key))
}

// clusterScopeCheckedOnFewest explains why a new cluster-scope quota was
// checked at per-broker values higher than an even spread gives.
func clusterScopeCheckedOnFewest(diags *diag.Diagnostics, entity string, leaders int) {
	diags.AddAttributeError(path.Root("scope"), "Cluster-Scope Quota Checked on the Fewest Brokers",
		fmt.Sprintf("The cluster-scope quota of %s is divided, when it is written, over the brokers that lead its tenant's partitions then, "+
			"after the topics of the same apply are created. At plan time it is checked divided over the fewest brokers that may lead them: %d "+
			"(those leading them now, or one while there are none). Lower its rates, or raise the declared capacity. Nothing was changed.", entity, leaders))
}

// importIdentityError reports an import block's identity that names no
// object of the resource type.
func importIdentityError(diags *diag.Diagnostics, resourceType, problem, example string) {
	diags.AddError("Invalid Import Identity",
		fmt.Sprintf("The identity in the import block of a %s %s. Give the identity as the resource's identity in state has it, for example %s.",
			resourceType, problem, example))
}

// listNeedsCluster reports a list block planned while the provider's
// connection settings are not yet known.
func listNeedsCluster(diags *diag.Diagnostics, kind string) {
	diags.AddError("Cannot List Without a Cluster",
		fmt.Sprintf("Listing the %s needs the provider's connection settings, and they are not known yet (they come from another resource). "+
			"Give the provider block values known before apply, or the KAFKATENANT_* environment variables, then run the query again.", kind))
}

// listFilterUnknown reports a list filter naming a tenant or virtual
// cluster that is not registered.
func listFilterUnknown(diags *diag.Diagnostics, attribute, kind, name, registryTopic string) {
	diags.AddAttributeError(path.Root(attribute), "Unknown "+titleWords(attribute)+" in List Filter",
		fmt.Sprintf("The list block's %s = %q names no %s registered in %q. Check the name (it is the %s's name attribute, not its prefix), "+
			"or remove the filter to list everything. Nothing was listed.", attribute, name, kind, registryTopic, kind))
}

// objectNotRegistered reports a data source naming a virtual cluster or
// tenant (kind as the registry keys it) that the registry does not hold,
// listing those it does hold, up to a screenful.
func objectNotRegistered(diags *diag.Diagnostics, at path.Path, kind, name, registryTopic string, known []string) {
	object := strings.ReplaceAll(kind, "_", " ")
	by := "its name attribute"
	if kind == tenancy.KindTenant {
		by = "its name attribute, not its principal"
	}
	have := fmt.Sprintf(" The registry holds no %s at all: check that this provider configuration reads the same cluster and registry_topic as the workspace that manages it.", object)
	if len(known) > 0 {
		const shown = 20
		list := strings.Join(known[:min(len(known), shown)], ", ")
		if len(known) > shown {
			list += fmt.Sprintf(" and %d more", len(known)-shown)
		}
		have = fmt.Sprintf(" Registered %ss: %s.", object, list)
	}
	diags.AddAttributeError(at, titleWords(kind)+" Not Found",
		fmt.Sprintf("No %s named %q is in the registry topic %q. A %s is looked up by %s; check the spelling. If the workspace that manages it has "+
			"not applied it yet, apply that workspace first; if it was destroyed, remove this lookup.%s", object, name, registryTopic, object, by, have))
}

// registryRecordUnreadable reports a data source naming an object whose
// registry record cannot be read.
func registryRecordUnreadable(diags *diag.Diagnostics, at path.Path, kind, name, registryTopic string, s kafka.SkippedRecord) {
	object := strings.ReplaceAll(kind, "_", " ")
	diags.AddAttributeError(at, "Unreadable Registry Record",
		fmt.Sprintf("The %s %q cannot be read: its record %q at offset %d of the registry topic %q is not one this provider understands (%s). If a newer "+
			"provider wrote it, upgrade this workspace's provider; otherwise the next apply of the workspace that manages the %s writes it again "+
			"(see the registry recovery guide).", object, name, s.Key, s.Offset, registryTopic, s.Reason, object))
}

// topicNotFound reports a data source naming a topic the cluster does
// not hold.
func topicNotFound(diags *diag.Diagnostics, name string) {
	diags.AddAttributeError(path.Root("name"), "Topic Not Found",
		fmt.Sprintf("No topic named %q exists on the cluster. Check the full name: a tenant's topics start with its topic_prefix, and "+
			"provider::kafkatenant::topic_name(prefix, local) builds one. If the workspace that creates it has not applied it yet, apply that workspace first. "+
			"The kafkatenant_topics data source lists the topics that exist under a prefix, tenant or virtual cluster.", name))
}

// importNotRegistered reports an import of a virtual cluster or tenant the
// registry does not hold, which leaves nothing to adopt.
func importNotRegistered(diags *diag.Diagnostics, object, name, registryTopic string) {
	declare := "name and prefix"
	if object == "tenant" {
		declare = "name, principal and prefixes (or a virtual cluster whose prefix gives them)"
	}
	diags.AddError(titleWords(strings.ReplaceAll(object, " ", "_"))+" Not Registered",
		fmt.Sprintf("The registry topic %q holds no %s named %q, so there is nothing to import: import adopts the %ss a kafkatenant workspace "+
			"registered. To bring one that kafkatenant has never managed under Terraform, declare it instead of importing it, with the %s its "+
			"Kafka objects already use; its first apply registers it and leaves those objects in place. See the guide to adopting a running cluster.",
			registryTopic, object, name, object, declare))
}
