#!/usr/bin/env bats
# 10-shadow: passwd/group/shadow/gshadow entries, home and mail spool, enroot's script vs ours.
load helpers

@test "10-shadow: Debian image, user not in the image" {
    rootfs c debian
    both 10-shadow c
    same_result c
    succeeded
    grep -q "^$PARITY_USER:x:" "$work/data/c-ours/etc/passwd"
}

@test "10-shadow: Debian image with --root (remapped root)" {
    rootfs c debian
    both 10-shadow c -- -r
    same_result c
    succeeded
}

@test "10-shadow: user already in passwd, shadow, group and gshadow of the image" {
    rootfs c debian
    on_both c "echo '$PARITY_USER:x:1001:1001:old:/old:/bin/sh' >> etc/passwd
        echo '$PARITY_USER:\$6\$hash:19000:0:99999:7:::' >> etc/shadow
        echo '$PARITY_USER:x:1001:daemon,ghost' >> etc/group
        echo '$PARITY_USER:!::daemon,ghost' >> etc/gshadow"
    both 10-shadow c
    same_result c
    succeeded
}

@test "10-shadow: non-Debian image (no shadow, gshadow, login.defs; shell not in the image)" {
    rootfs c busybox
    both 10-shadow c
    same_result c
    succeeded
}

@test "10-shadow: duplicates, invalid and NIS lines, _apt, unknown members, passwords to move" {
    rootfs c debian
    on_both c "printf '%s\n' 'daemon:x:1:1:again:/:/bin/sh' 'broken line' '' 'nouid:x::1::/:/bin/sh' \
            '+nisuser::::::' 'plain:secret:4000:4000::/home/plain:/bin/sh' '_apt:x:42:65534::/nonexistent:/usr/sbin/nologin' >> etc/passwd
        printf '%s\n' 'users:x:100:plain,ghost,,daemon' 'bad:x:' '+nisgroup' 'daemon:x:1:again' 'plaingrp:pw:4000:plain' >> etc/group
        printf '%s\n' 'ghost:*:1:0:99999:7:::' 'broken' 'daemon:*:20000:0:99999:7:::' >> etc/shadow
        printf '%s\n' 'orphan:*::' 'users:*:ghost,daemon:ghost,plain' 'broken' >> etc/gshadow"
    both 10-shadow c
    same_result c
    succeeded
}

# Bytes as pwck, grpck, sed and head read them: a Latin-1 name field (not UTF-8) kept as it is,
# a CR that stays in its line, and the lines pwck deletes (a passwd line with an eighth field, a
# shadow line with eight, a number that is not decimal or is negative).
@test "10-shadow: Latin-1 bytes, CRLF lines, eight-field and non-decimal lines" {
    rootfs c debian
    on_both c "printf 'latin:x:4100:4100:Ren\\351 Fran\\347ois:/home/latin:/bin/sh\\n' >> etc/passwd
        printf 'crlf:x:4101:4101::/home/crlf:/bin/sh\\r\\nafter:x:4102:4102::/home/after:/bin/sh\\n' >> etc/passwd
        printf '%s\\n' 'eight:x:4103:4103::/h:/bin/sh:extra' >> etc/passwd
        printf '%s\\n' 'latin:*:19000:0:99999:7:::' 'eight:*:19000:0:99999:7::' 'after:*:0x10::::::' 'crlf:*:-1::::::' >> etc/shadow
        printf 'latingrp:x:4100:latin\\r\\ncrlfgrp:x:4101:\\n' >> etc/group"
    both 10-shadow c
    same_result c
    succeeded
    grep -q $'Ren\xe9 Fran\xe7ois' "$work/data/c-ours/etc/passwd"
}

@test "10-shadow: UMASK 00027 and a mail spool whose directory the image lacks" {
    rootfs c busybox
    on_both c "printf '%s\\n' 'UMASK 00027' 'CREATE_HOME yes' > etc/login.defs
        mkdir -p etc/default && printf '%s\\n' 'CREATE_MAIL_SPOOL=yes' 'HOME=/home' > etc/default/useradd
        rm -rf var/mail var/spool/mail"
    both 10-shadow c
    same_result c
    succeeded
}

@test "10-shadow: login.defs and useradd defaults: mail spool, umask, skeleton tree, shell" {
    rootfs c debian
    on_both c "sed -i 's/^UMASK.*/UMASK 027/' etc/login.defs
        printf '%s\n' 'PASS_MAX_DAYS 0x20' 'PASS_WARN_AGE \"9\"' 'MAIL_DIR /var/spool/mail' >> etc/login.defs
        printf '%s\n' 'SHELL=/bin/dash' 'CREATE_MAIL_SPOOL=yes' 'SKEL=/etc/skel2' > etc/default/useradd
        mkdir -p etc/skel2/.config/app && echo conf > etc/skel2/.config/app/rc && chmod 751 etc/skel2/.config
        echo hi > etc/skel2/.hello && chmod 640 etc/skel2/.hello && ln -s .hello etc/skel2/.link"
    both 10-shadow c
    same_result c
    succeeded
}

@test "10-shadow: an existing home is left alone; CREATE_HOME no" {
    rootfs c debian
    rootfs d debian
    on_both c "mkdir -p .$(getent passwd "$PARITY_USER" | cut -d: -f6) && echo mine > .$(getent passwd "$PARITY_USER" | cut -d: -f6)/file"
    on_both d "echo 'CREATE_HOME no' >> etc/login.defs"
    both 10-shadow c
    same_result c
    both 10-shadow d
    same_result d
}

@test "10-shadow: a login.defs name that is not a shell identifier fails on both" {
    rootfs c debian
    on_both c "echo 'BAD-NAME 1' >> etc/login.defs"
    both 10-shadow c
    [[ $(cat "$work/enroot.rc") != 0 && $(cat "$work/ours.rc") != 0 ]]
    diff -r --no-dereference "$work/data/c-enroot" "$work/data/c-ours"
}

@test "10-shadow: a calling user without a passwd or group entry" {
    AS_UID=4242
    run -2 getent passwd "$AS_UID"   # 2: no such entry (1 and 3 are getent's own failures)
    run -2 getent group "$AS_UID"
    rootfs c debian
    on_both c true
    chown -R "$AS_UID:$AS_UID" "$work/runtime" "$work/home" "$work/cache" "$work/config" "$work/data"
    both 10-shadow c
    same_result c
}
