package provider

// This file holds every operator-facing message of the provider, so they
// share one voice: a Title Case summary, then a detail that names the
// object, says what was attempted and what to do, and ends with the
// original error.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/kafkatenant/terraform-provider-kafkatenant/internal/kafka"
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
		return "SASL Authentication Required", fmt.Sprintf(
			"The listener at %s requires SASL and the provider has no sasl settings. Configure sasl (or %s, %s and %s) with one of: %s.",
			ce.Addr, envSASLMechanism, envSASLUsername, envSASLPassword, strings.Join(ce.EnabledMechanisms, ", "))
	case kafka.ConnectSASLMechanism:
		return "SASL Mechanism Not Enabled", fmt.Sprintf(
			"The listener at %s does not enable %s. Set sasl.mechanism to one it enables: %s.",
			ce.Addr, ce.Mechanism, strings.Join(ce.EnabledMechanisms, ", "))
	case kafka.ConnectSASLAuth:
		return "Kafka Authentication Failed", fmt.Sprintf(
			"The cluster at %s rejected SASL %s authentication as %q; some clusters report this only by closing the connection. "+
				"Check sasl.username and sasl.password (or %s and %s), and that a %s credential exists for this user on the cluster "+
				"(SCRAM credentials are per mechanism).", ce.Addr, ce.Mechanism, ce.Username, envSASLUsername, envSASLPassword, ce.Mechanism)
	default:
		return "Kafka Connection Failed", fmt.Sprintf(
			"The cluster at %s could not be reached or did not answer as a Kafka broker. Check bootstrap_servers, the tls settings "+
				"and the sasl settings against the listener's configuration.", ce.Addr)
	}
}

// topicExistsError reports a planned create of a topic that is already on
// the cluster.
func topicExistsError(diags *diag.Diagnostics, name string) {
	diags.AddAttributeError(path.Root("name"), "Topic Already Exists",
		fmt.Sprintf("A topic named %q already exists on the cluster, so it cannot be created. To manage the existing topic with Terraform, import it:\n\n"+
			"  terraform import <address> %s\n\nor add an import block with id = %q. Otherwise choose another name.", name, name, name))
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
