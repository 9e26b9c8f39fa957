// Command plugin-v2 is a test plugin from a future netrun: the same
// handshake cookie, protocol version 2.
package main

import (
	"net/rpc"

	goplugin "github.com/hashicorp/go-plugin"
)

type nothing struct{}

func (nothing) Server(*goplugin.MuxBroker) (any, error)              { return new(int), nil }
func (nothing) Client(*goplugin.MuxBroker, *rpc.Client) (any, error) { return nil, nil }

func main() {
	goplugin.Serve(&goplugin.ServeConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  2,
			MagicCookieKey:   "NETRUN_PLUGIN_MAGIC_COOKIE",
			MagicCookieValue: "c2d5f0e6-netrun-driver-plugin",
		},
		Plugins: goplugin.PluginSet{"driver": nothing{}},
	})
}
