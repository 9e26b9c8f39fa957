# Linux hosts and white-box switches (SONiC, Cumulus) through the exec
# driver plugin: each command runs on its own SSH exec channel, with no
# terminal and no prompt to match, and a non-zero exit status fails it.
# The plugin is an executable netrun finds in .netrun/plugins/ of this
# directory, in NETRUN_PLUGIN_PATH or on PATH: see README.md.

variable "hosts" {
  type        = map(number)
  description = "Host name => SSH port on 127.0.0.1."
  default     = { leaf1 = 2201, leaf2 = 2202 }
}

variable "username" {
  type    = string
  default = "netrun"
}

variable "password" {
  type      = string
  default   = "netrun"
  sensitive = true
}

variable "known_hosts" {
  type        = string
  description = "known_hosts file with the hosts' keys, relative to this directory."
  default     = "known_hosts"
}

variable "shell" {
  type        = string
  description = "Shell each command runs in; \"\" sends commands as written (netrun sim)."
  default     = "/bin/sh"
}

variable "sudo" {
  type    = bool
  default = false
}

variable "env" {
  type    = map(string)
  default = { LC_ALL = "C" }
}

variable "commands" {
  type    = list(string)
  default = ["uname -sr", "uptime", "df -h / | tail -n 1"]
}

credentials "hosts" {
  username = var.username
  password = var.password
}

device "host" {
  for_each    = var.hosts
  host        = "127.0.0.1"
  port        = each.value
  credentials = credentials.hosts
  known_hosts = var.known_hosts
  tags        = ["linux"]

  # The exec plugin's own settings, checked by `netrun validate` against
  # the schema the plugin declares.
  driver = "exec"
  shell  = var.shell
  sudo   = var.sudo
  env    = var.env
}

command "facts" {
  commands = var.commands
}

output "facts" {
  value = command.facts.output
}
