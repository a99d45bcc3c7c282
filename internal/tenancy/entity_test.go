package tenancy

import (
	"strings"
	"testing"
)

func TestEntity_String(t *testing.T) {
	tests := []struct {
		name   string
		entity Entity
		want   string
	}{
		{"user", Entity{User("alice")}, "user=alice"},
		{"canonical order", Entity{DefaultClientID(), User("alice")}, "user=alice,client-id=<default>"},
		{"default user and client", Entity{ClientID("reports"), DefaultUser()}, "user=<default>,client-id=reports"},
		{"ip", Entity{IP("192.0.2.10")}, "ip=192.0.2.10"},
		{"default ip", Entity{DefaultIP()}, "ip=<default>"},
		{"escaped name", Entity{User(`CN=alice,O=ex\ample`)}, `user=CN\=alice\,O\=ex\\ample`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.entity.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseEntity_roundTrip(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"user=alice", "user=alice"},
		{"client-id=<default>,user=alice", "user=alice,client-id=<default>"},
		{"user=<default>", "user=<default>"},
		{"client-id=reports", "client-id=reports"},
		{"ip=2001:db8::1", "ip=2001:db8::1"},
		{"ip=broker-1.example.com", "ip=broker-1.example.com"},
		{`user=CN\=alice\,O\=example`, `user=CN\=alice\,O\=example`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			e, err := ParseEntity(tt.in)
			if err != nil {
				t.Fatalf("ParseEntity(%q): %v", tt.in, err)
			}
			if got := e.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			again, err := ParseEntity(e.String())
			if err != nil || again.String() != e.String() {
				t.Errorf("re-parsing %q gave %q, %v", e.String(), again, err)
			}
		})
	}
}

func TestParseEntity_escapedNameKeepsCommas(t *testing.T) {
	e, err := ParseEntity(`user=CN\=alice\,O\=example,client-id=a\\b`)
	if err != nil {
		t.Fatal(err)
	}
	user, _ := e.Component(EntityUser)
	client, _ := e.Component(EntityClientID)
	if user.Name != "CN=alice,O=example" || client.Name != `a\b` {
		t.Errorf("names = %q, %q", user.Name, client.Name)
	}
}

func TestParseEntity_errors(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "empty quota entity"},
		{"alice", `"alice" is not type=name`},
		{"user=a=b", `"user=a=b" is not type=name`},
		{"group=payments", `"group" is not a quota entity type`},
		{"user=alice,user=bob", "names user twice"},
		{"user=alice,ip=192.0.2.1", "combines ip with user or client-id"},
		{"user=", "user name is empty"},
		{`user=\<default>`, "cannot be told apart from the default user"},
		{`user=alice\`, "lone backslash"},
		{"ip=not a host", "neither an IP address nor a host name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := ParseEntity(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseEntity(%q) error = %v, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestEntity_Validate(t *testing.T) {
	tests := []struct {
		name   string
		entity Entity
		want   string // "" when valid
	}{
		{"user", Entity{User("alice")}, ""},
		{"user and default client", Entity{User("alice"), DefaultClientID()}, ""},
		{"default ip", Entity{DefaultIP()}, ""},
		{"ipv6", Entity{IP("2001:db8::1")}, ""},
		{"empty", Entity{}, "at least one component"},
		{"duplicate type", Entity{User("a"), User("b")}, "names user twice"},
		{"ip with client id", Entity{IP("192.0.2.1"), ClientID("x")}, "combines ip"},
		{"empty name", Entity{ClientID("")}, "client-id name is empty"},
		{"default with a name", Entity{{Type: EntityUser, Name: "alice", Default: true}}, "marked default and also named"},
		{"literal default name", Entity{User(DefaultName)}, "cannot be told apart"},
		{"unknown type", Entity{{Type: "group", Name: "g"}}, `"group" is not a quota entity type`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.entity.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestEntity_Level(t *testing.T) {
	tests := []struct {
		entity Entity
		want   int
	}{
		{Entity{User("u"), ClientID("c")}, 1},
		{Entity{User("u"), DefaultClientID()}, 2},
		{Entity{User("u")}, 3},
		{Entity{DefaultUser(), ClientID("c")}, 4},
		{Entity{DefaultUser(), DefaultClientID()}, 5},
		{Entity{DefaultUser()}, 6},
		{Entity{ClientID("c")}, 7},
		{Entity{DefaultClientID()}, 8},
		{Entity{IP("192.0.2.1")}, 0},
		{Entity{User("")}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.entity.String(), func(t *testing.T) {
			if got := tt.entity.Level(); got != tt.want {
				t.Errorf("Level() = %d, want %d", got, tt.want)
			}
		})
	}
}
