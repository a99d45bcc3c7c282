package tenancy

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
)

// EntityType is one of the three kinds of name a Kafka client quota can be
// attached to.
type EntityType string

// The entity types Kafka accepts in AlterClientQuotas (KIP-546).
const (
	// EntityUser is an authenticated principal's user name.
	EntityUser EntityType = "user"
	// EntityClientID is the client.id a client sends with each request.
	EntityClientID EntityType = "client-id"
	// EntityIP is a client's IP address, used only for connection rate
	// quotas (KIP-612).
	EntityIP EntityType = "ip"
)

// DefaultName is how Kafka's tools write the default entity of a type (the
// entity whose name is null on the wire), as in user=<default>.
const DefaultName = "<default>"

// entityTypeOrder is the canonical order of components in an entity, the
// order Kafka's tools print them in.
var entityTypeOrder = []EntityType{EntityUser, EntityClientID, EntityIP}

// Component is one part of a quota entity: a type and either a name or the
// default of that type.
type Component struct {
	// Type is the entity type.
	Type EntityType
	// Name is the user name, client id or IP address. It is empty when
	// Default is set.
	Name string
	// Default marks Kafka's default entity of this type (<default>), which
	// applies to every name that has no more specific quota.
	Default bool
}

// User returns the component for the user named name.
func User(name string) Component { return Component{Type: EntityUser, Name: name} }

// DefaultUser returns the user=<default> component.
func DefaultUser() Component { return Component{Type: EntityUser, Default: true} }

// ClientID returns the component for the client id id.
func ClientID(id string) Component { return Component{Type: EntityClientID, Name: id} }

// DefaultClientID returns the client-id=<default> component.
func DefaultClientID() Component { return Component{Type: EntityClientID, Default: true} }

// IP returns the component for the IP address or host name addr.
func IP(addr string) Component { return Component{Type: EntityIP, Name: addr} }

// DefaultIP returns the ip=<default> component.
func DefaultIP() Component { return Component{Type: EntityIP, Default: true} }

// String returns the component as type=name, with <default> for the default
// entity. Backslash, comma and equals sign in a name are escaped with a
// backslash so that ParseEntity can read the result back.
func (c Component) String() string {
	if c.Default {
		return string(c.Type) + "=" + DefaultName
	}
	return string(c.Type) + "=" + escapeName(c.Name)
}

// Entity is a quota entity: the components a quota is attached to, such as
// user=alice or user=alice,client-id=reporting.
type Entity []Component

// Canonical returns a copy of e with its components in Kafka's order: user,
// then client-id, then ip. Components of unknown types sort last, by type.
func (e Entity) Canonical() Entity {
	out := slices.Clone(e)
	slices.SortStableFunc(out, func(a, b Component) int {
		return typeRank(a.Type) - typeRank(b.Type)
	})
	return out
}

func typeRank(t EntityType) int {
	if i := slices.Index(entityTypeOrder, t); i >= 0 {
		return i
	}
	return len(entityTypeOrder)
}

// String returns the canonical string form of e, such as
// user=alice,client-id=<default>. Two entities are the same entity exactly
// when their strings are equal, so the string serves as a map key and as an
// import ID.
func (e Entity) String() string {
	parts := make([]string, 0, len(e))
	for _, c := range e.Canonical() {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, ",")
}

// Component returns the component of type t, and whether e has one.
func (e Entity) Component(t EntityType) (Component, bool) {
	for _, c := range e {
		if c.Type == t {
			return c, true
		}
	}
	return Component{}, false
}

// Level returns the precedence level, 1 (most specific) to 8, at which
// Kafka consults e when it looks up a user or client-id quota:
//
//  1. user=U,client-id=C
//  2. user=U,client-id=<default>
//  3. user=U
//  4. user=<default>,client-id=C
//  5. user=<default>,client-id=<default>
//  6. user=<default>
//  7. client-id=C
//  8. client-id=<default>
//
// It returns 0 for ip entities and for entities that are not valid.
func (e Entity) Level() int {
	if e.Validate() != nil {
		return 0
	}
	user, hasUser := e.Component(EntityUser)
	client, hasClient := e.Component(EntityClientID)
	switch {
	case hasUser && !user.Default && hasClient && !client.Default:
		return 1
	case hasUser && !user.Default && hasClient:
		return 2
	case hasUser && !user.Default:
		return 3
	case hasUser && hasClient && !client.Default:
		return 4
	case hasUser && hasClient:
		return 5
	case hasUser:
		return 6
	case hasClient && !client.Default:
		return 7
	case hasClient:
		return 8
	}
	return 0
}

// Validate reports whether Kafka would accept e as a client quota entity:
// at least one component, only the types user, client-id and ip, each type
// at most once, ip never combined with user or client-id, and a non-empty
// name on every component that is not the default. A name spelled
// <default> is refused, because Kafka's tools read that spelling as the
// default entity and the two could not be told apart.
func (e Entity) Validate() error {
	if len(e) == 0 {
		return errors.New("a quota entity needs at least one component: user, client-id or ip")
	}
	var errs []error
	seen := map[EntityType]bool{}
	for _, c := range e {
		if typeRank(c.Type) == len(entityTypeOrder) {
			errs = append(errs, fmt.Errorf("%q is not a quota entity type; use user, client-id or ip", c.Type))
			continue
		}
		if seen[c.Type] {
			errs = append(errs, fmt.Errorf("entity %s names %s twice; an entity has at most one component of each type", e, c.Type))
		}
		seen[c.Type] = true
		if err := c.validateName(); err != nil {
			errs = append(errs, err)
		}
	}
	if seen[EntityIP] && (seen[EntityUser] || seen[EntityClientID]) {
		errs = append(errs, fmt.Errorf("entity %s combines ip with user or client-id; Kafka keeps ip quotas apart, so give the ip quota its own entity", e))
	}
	return errors.Join(errs...)
}

func (c Component) validateName() error {
	switch {
	case c.Default && c.Name != "":
		return fmt.Errorf("%s component is marked default and also named %q; a default component has no name", c.Type, c.Name)
	case c.Default:
		return nil
	case c.Name == "":
		return fmt.Errorf("%s name is empty; give a name or use %s", c.Type, DefaultName)
	case c.Name == DefaultName:
		return fmt.Errorf("%s named %q cannot be told apart from the default %s in Kafka's tools; mark the component as default instead", c.Type, DefaultName, c.Type)
	case c.Type == EntityIP && !isIPOrHost(c.Name):
		return fmt.Errorf("ip=%s is neither an IP address nor a host name; Kafka accepts only an address or a name it can resolve", c.Name)
	}
	return nil
}

// hostName matches the syntax of a DNS host name. Whether the name resolves
// is for the Kafka controller to say; the provider cannot know offline.
var hostName = regexp.MustCompile(`^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$`)

func isIPOrHost(name string) bool {
	if _, err := netip.ParseAddr(name); err == nil {
		return true
	}
	return len(name) <= 253 && hostName.MatchString(name)
}

// ParseEntity reads an entity in the form String returns, such as
// user=alice,client-id=<default>, in any component order, and validates it.
// A backslash escapes the next character, so a name may contain a comma or
// an equals sign (user=CN\=alice\,O\=example).
func ParseEntity(s string) (Entity, error) {
	if s == "" {
		return nil, errors.New("empty quota entity; write it as type=name pairs such as user=alice,client-id=<default>")
	}
	var entity Entity
	for _, part := range splitUnescaped(s, ',') {
		kv := splitUnescaped(part, '=')
		if len(kv) != 2 {
			return nil, fmt.Errorf("entity %q: %q is not type=name; escape a comma or equals sign inside a name with a backslash", s, part)
		}
		name, err := unescapeName(kv[1])
		if err != nil {
			return nil, fmt.Errorf("entity %q: %w", s, err)
		}
		c := Component{Type: EntityType(kv[0]), Name: name}
		if kv[1] == DefaultName {
			c = Component{Type: c.Type, Default: true}
		}
		entity = append(entity, c)
	}
	if err := entity.Validate(); err != nil {
		return nil, fmt.Errorf("entity %q: %w", s, err)
	}
	return entity.Canonical(), nil
}

func escapeName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r == '\\' || r == ',' || r == '=' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// splitUnescaped splits s at every sep not preceded by an escaping
// backslash, keeping the escapes for unescapeName.
func splitUnescaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func unescapeName(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			if i+1 == len(s) {
				return "", fmt.Errorf("name %q ends in a lone backslash", s)
			}
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String(), nil
}
