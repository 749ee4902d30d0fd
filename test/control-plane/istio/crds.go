//go:build tools

// Package istio pins the istio.io/api module in this folder's go.mod and
// go.sum. Nothing here is compiled: the control-plane build copies the
// module's kubernetes/customresourcedefinitions.gen.yaml (Istio's CRDs), and
// this import only keeps `go mod tidy` from dropping the requirement.
package istio

import _ "istio.io/api/networking/v1"
