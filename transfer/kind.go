package transfer

import "fmt"

// Kind is how a transmission's payload is to be interpreted.
type Kind uint8

// The kinds of protocol-0.18 §5.3. The zero Kind is invalid.
const (
	KindString Kind = iota + 1 // a JS string: UTF-8, no quotes; tag isJson=0, isBinary=0
	KindJSON                   // any other non-binary value: JSON.stringify's UTF-8; isJson=1
	KindBinary                 // Blob, ArrayBuffer or TypedArray: raw bytes; isBinary=1 and isJson=1
)

// String returns "string", "json" or "binary".
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindJSON:
		return "json"
	case KindBinary:
		return "binary"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}
