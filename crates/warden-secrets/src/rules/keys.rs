//! Private key material and signed tokens: PEM blocks (PKCS#1, SEC1, DSA, PKCS#8, encrypted),
//! OpenSSH, OpenPGP and PuTTY private keys, base64-wrapped PEM, age identities and JWTs.

use super::BASE;
use crate::rule::Rule;
use crate::validate;

const PEM_ROTATION: &str = "Treat the key pair as compromised: generate a new key pair, install the new public key or certificate wherever the old one was trusted (servers' authorized_keys, TLS endpoints, signing services), revoke or remove the old one, and reissue any certificates signed with it.";

pub(super) const RULES: &[Rule] = &[
    Rule {
        id: "SEC001",
        name: "pem-rsa-private-key",
        description: "A PKCS#1 RSA private key in PEM form; whoever holds it can sign, decrypt or authenticate as its owner.",
        provider: "PEM (RSA)",
        keywords: &["begin rsa private key"],
        pattern: r"-----BEGIN RSA PRIVATE KEY-----[A-Za-z0-9+/=\s:,\\\-]{64,}?-----END RSA PRIVATE KEY-----",
        validate: Some(validate::pem_private_key),
        examples: &[
            "-----BEGIN RSA PRIVATE KEY-----\nMIIVaxG7Z8Qoa6qnerJcgZmYx4KXMmLxM/f0XTNTtcnu//k/CB54h5mIOgGO2jNC\nMEw4/uWWPOHcfPzhvWuOfVm4fx3VEif7jxwFLQy1V9FiOOhodzWquLK5gfBdHOjy\nF+cPHP9lT3xgNhgycYIgvPTLIgFHK9TYkujZsZshA5XfLOnFeE9Azk9rxd/9Xwq/\npXFPG1VsQs6U0p5hBCVbt3cPjuFvEY0cbnKd3v1QBymy7nUqw8Xeg7Sg7H/4j8aT\nAhmbDpXOnaFe4J28zDumVaivH+CEjFV5S8+GmdW+7Ahhw7Cj7sbDpol0D2Qsg4mF\naV1uXMFVr4GySzQmYnaCPmlRsdoG8efoSyjhPVo7/Cku2P+IeN5ggU97Nt5sicbc\nt1tyydypTvqJWbEFD6xgLigLOj1G7vhWYR5LxUAZRPwRtNLLIXdhYhqxinCXvf4a\nHDMVPmLQ0tyduBCPjVB0PTtRdzrrPtsKKvR883+vsk+YjR2oPnq1Nt+1/4ZiFX9V\nf7tIGxZgUQGATqAVBe1WUAJScIMgGwPt7Rj4N/ApK32yGuoCu2QvZNkoxiszRhUz\n1dD4K3ykZwd9BitjbRmTM4+rT3HnJyjBBaGnhCg2vI2SZrUKPqkVZx2DUBnb27BQ\n6RN1dVFzqrVrriC0RT0Ac0/3hxKcB1RViHiS88Y7AJ98y1dc3r4FezGD7we8YFby\n3PrQOaFLyUrhXyPHXmZC0Q6Vzxrl6WcG8PmvOqN67WkE7QfPzkizyCyFvX+8Ab33\n0baS1SlxxZSxa/z1Zag5iZbbu4fzJe6hLcU=\n-----END RSA PRIVATE KEY-----\n",
            "key: \"-----BEGIN RSA PRIVATE KEY-----\\nProc-Type: 4,ENCRYPTED\\nDEK-Info: AES-128-CBC,CDC6ED4BD7952F604430B89EB2FB436F\\n\\nMIJJVSO6pt+hICxPUWHXp2kxXEKD8u+7ZtADmgk203wM5Z+hg8i2qssbxMINq0Oq\\nTOHPY22YLVgXiigK57PZ2e/ujIxIOtyy15nZJSNbDv4axBpETRNFDZNt3/d4+FMn\\n76EW+pPG96Jee2cLMBfppV1nDUumXEKeTcbsvSIZTSR8upjPF5hhJlCREVsa5eWQ\\nc0BiM7n29iFqJbZ/2ob2Ave1bQEkKgMogd02UFnV6dHLRkE9Ob27uzVAHv2+qUBt\\n3vHmp3G2zJC+4nL7Xvhnqy9TFRrLyyYqdXcNNqBz/YGTdWiE8iLDocAiJVHCKlvt\\n+Q9WaK3lRtI7+z+ZcxRHHoFMfyBadlwyZLOYVNlupD+eVkYWkBWr/xRGfVCJ75mB\\n4R+XpI7H/ocC7CK4efJN4AD/7oG70WlJBI+cOYE+Y0MC8ifn4jRyBd3gb4I4AMCN\\nDRUnkYnklmJXQp1VplFFFvjprKJBxotp8cG9ZAX3ltYQDXZ5kICX8W8tkczFqnP5\\noK5l75IHKugQzcKOimjcIcW2V2nI+eT/gSP4avALFDZzlwD6xGdPKSTGnghjwVIg\\n8LFVkM9EbqXnNvweWSMHyumfHAfTVR2qWV9FNkkUoC0T/XaKKPGPmK6+7avcW1hn\\nLgf8K1KyuuLFxJA3fUsGgoRYZp4R60hriL1DA0I5LJED1rD/hnnX1+EnVbyfLceT\\nUX+9CScdMo8t53W5x/fSOLBzpw51YykHdEasliQMGCZ35eUOhEtk7sauUnCMyduy\\nctf3rPVIbLrrMr5FFz5FPxgFbc/+Hm2Ykow=\\n-----END RSA PRIVATE KEY-----\\n\"",
        ],
        negatives: &[
            "-----BEGIN RSA PRIVATE KEY-----\n<paste your key here>\n-----END RSA PRIVATE KEY-----",
            "-----BEGIN RSA PUBLIC KEY-----\nMIKS2saI2q03fXew8OglWAieBx4xaH160RB/NOO5GYnMoHdHN/ryxy9yFEQM62y4\n1aD9zHlsZnNOKOw0aApCzay+++qBmCAbucpRfhOfQ7PDECsJgeprZLUxAhJ5x/L3\n+0wTpoDmNxt9tu46d69mOCp5gJpDewgzezh5cFNYXbQXw7evl1iFoXgwyP7SoQbc\ni62rki2tcEZkfqMXWvzbhFypH4BdC3usrv7O90tHkyKVLnlCKIubHZ7CwCVl7bL1\nsvEScUylc1qxGY78v//6gYjs9kTmeqGMhE6QOOx1+q21mZ4AQV/ObHxcmSGgzBOI\niY7iguDLLTwy736zHWul1eGSEGMrcPR5ciQt1PGq1idoIw3807QMbksXO2s7bA1q\n85xIrFyS99eC1o3f41CO2KaPwAFRHmh+Kmb6xh98g0muOBGRdYvX0xTh9enHYAuk\niO5oPAM8G9tkzeyFeoieGhOl4uSzkiijJADwfpzXrRog6Q/ci/fQXPetEZsvFTU1\nJdjPcvxuJJDUetkd80Xxg8fi0teaX5u4nhgZdHloyhBA9Nbr5LHi6VA59VuAzf9w\nG4Qi8kOii13808FW4kt8bFTXHsPzDUiL0xDBEpLiE+Db0LR1vGBhrx+X2DYhA+22\nMXAvk5kK0RUD8Dy7UM6kAd4XTKzxzu+dMjDaiszkGUg4Br8QQr9jNWbIolq4Fovx\nESVHZQe0D3BzzbX1kbEoMCb8c9TNHg2prvMCl1xHpIU6MvyMZaKVNPsmJdaqlRgD\najvTm8GdaVNLhubtAN4ZmYYmAwmEjGgESFM=\n-----END RSA PUBLIC KEY-----",
            "if line == \"-----BEGIN RSA PRIVATE KEY-----\" { return Kind::Rsa; }",
        ],
        rotation: PEM_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC002",
        name: "pem-ec-private-key",
        description: "A SEC1 elliptic-curve private key in PEM form; it signs and authenticates as its owner (TLS servers, JWT issuers, code signing).",
        provider: "PEM (EC)",
        keywords: &["begin ec private key"],
        pattern: r"-----BEGIN EC PRIVATE KEY-----[A-Za-z0-9+/=\s:,\\\-]{64,}?-----END EC PRIVATE KEY-----",
        validate: Some(validate::pem_private_key),
        examples: &[
            "-----BEGIN EC PRIVATE KEY-----\nMIKsLyJYo2v9xx2zduqBXDcvToBwS7QF59VQa7mAhWVk5GPW1HSdYQ7sn61p0pVY\nzPemGYJrCPhfHRUmKlBId2VJBlFSRYPnECBozcP53p24cjFRtvUj1dyNEgwyazV+\nEjd7kpPJfgg3YTCIT8xUyLMg7DsgwVOwzYFE\n-----END EC PRIVATE KEY-----",
        ],
        negatives: &[
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----",
        ],
        rotation: PEM_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC003",
        name: "pem-dsa-private-key",
        description: "A DSA private key in PEM form; it signs and authenticates as its owner.",
        provider: "PEM (DSA)",
        keywords: &["begin dsa private key"],
        pattern: r"-----BEGIN DSA PRIVATE KEY-----[A-Za-z0-9+/=\s:,\\\-]{64,}?-----END DSA PRIVATE KEY-----",
        validate: Some(validate::pem_private_key),
        examples: &[
            "-----BEGIN DSA PRIVATE KEY-----\nMIK6BagkRXFp8Ca4arBW9HUdLM0rUNLg3c5L5Lfb4bXFhI1e5XVFISXZDBQ2l/s9\nwupPTWaDDxJOXQdq+I205uk4jmAhb7g0u69VHy6urxIhjJmCC3Mx15Nr3lbatU5d\nFPUjONTZGnHJd/zO9oYGSEnVliih+nHeXrFFpsELrh+uUc9nRTw6JxYvOte3Fx0o\nkfao41iAk9m6Jv3bXlOcIxN6aw0ydJ+ADA7YAXVLPhpzkvDW9qW2DVx9TLloQmoL\n0D29qJh5JHTStBi6+ndUbHf5VBXHY3+ex+cq7eFrT9AtWcRegzys+AFBU9CO1w+n\nL+j0iJyTFdo33jhWUtXgeUpx6CXGQlU86qzNvCwfDp3Nqcde+sowUPNCNmCsiOsQ\nGippINPxZ/kVosC27dDso6GoW15kejT7peDVIyq/cp+lW5jAL9FUkIc82/OTp8AU\n3vRDmVNSHWjO5vfYDGU+imfecvvRpxDOvBvwY3aWMJPhezvicYdJkNypde+6xEwg\nLb5etU1tBebODeBEpGuWUvZ6gnMvGIuRkFfZOLyaQEKPN8TtKdviUasGLeY+gklV\nH9bk6wuSuGXqyg==\n-----END DSA PRIVATE KEY-----",
        ],
        negatives: &["-----BEGIN DSA PRIVATE KEY-----\n...\n-----END DSA PRIVATE KEY-----"],
        rotation: PEM_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC004",
        name: "pem-pkcs8-private-key",
        description: "A PKCS#8 private key (plain or encrypted) in PEM form, any algorithm; it signs, decrypts or authenticates as its owner.",
        provider: "PEM (PKCS#8)",
        keywords: &["begin private key", "begin encrypted private key"],
        pattern: r"-----BEGIN (?:ENCRYPTED )?PRIVATE KEY-----[A-Za-z0-9+/=\s:,\\\-]{64,}?-----END (?:ENCRYPTED )?PRIVATE KEY-----",
        validate: Some(validate::pem_private_key),
        examples: &[
            "-----BEGIN PRIVATE KEY-----\nMIJtUS1qpFCXhFbiwEZ7zFAfCZx/DsMYQrm5PfdEpSIpGI5p79xlWfzoU75tBWyJ\nOvPxWCIwAgNJOm4w4lnRdfqUlyjM7Y9mLWc+msYpX7DsTpchhhxhq2sEOfSxy2U6\nZE5lSNd9edCGpDynRpVjgzF3JaJv/UEgxkWkmEXE+m2I/LNu0vJEGc6MEsPx/PI3\n5abmabCqQqwiO37UCrshJaxMeUJTBIvAD6O8Zf8sZzvpUdOJSPhssomd10LV9DxU\njRKgrjVhbmMK+x33RvT6j145PhU69s+N00He9BPN4ficNugFCNnAfioJnITbZG7F\n66Vk0tQCLtHxA6rqD2jxogpIEGtSVgDye3MJzScFnBM8V8ovBJzxyjjCvmuHR+tP\nzEZDX8/LWWNz5LfU2Pg=\n-----END PRIVATE KEY-----",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIJA08+wcfFMrkqL/WjvD2oY4xYhKYds5+/UHoYFNJJRi4dMroaYIAdDAPSUY0dY\nCyOG94Zveo+ybYb6cxtPFwrDG+U5a4in6wu795h92OOnYBLpnCxJlCVqmM1md5IA\nrjdH91s+m0eAYHjWR//4yiFKGDIJtq5qwuAmYT/ds6x5Y/yhlkNqeIDjRMMWdF64\nnxI0y0ndcKVpP1fSDvUj7xJkTmkDqbUOhnC60mNwfOBUo/Lkins7qSbSaW+O3UYY\nFLW2ZQVxaQYD269otH5XNTsmJQGD+Hy6Nxg4eUc4Ae9fGw8z0NVatH/D6KZwLxWx\nHK3exSRKm5cZFvNBY82SUPHwYoGZtMsJQIeqiiZyhxC1mQSF218nCrh1oTpcAMd6\nJMEivg82YxAY8CSGUKc=\n-----END ENCRYPTED PRIVATE KEY-----",
        ],
        negatives: &[
            "-----BEGIN CERTIFICATE-----\nMIJj0krvj6njCZYr5H2SZCvFcJ8r3PI2JhYSboKt/XUQPADcpAnKaYkulqS1rjO0\nqfLAA+IfetJNFqiyBqlZoXl0h0gijeK/tkMTs7f7gyZYQ0cW1eo94VuQRxhbVDP0\n+c0K4Ik8PfMvTTVV6XXAT+LU1IEjjUv6xUC1JJCxvQa3Fw0WIjKh/yN4zsVBG05B\nlX5CTSd8B87DSs9ldqfOO5iai7qHz4DBSQgrBtjV27daKRyfk97xyxiFv5y4BZjT\nXFP8mVJ6O6hGxIc+UnZEbdrvRNCuek4mV+dX8t3CLIcF4bd2zqY4JVG6LIKsH5Kf\nNSACZlI57ctVatuxjZQFG0EDgQYmfxnxp07hcuDznzDHjpaNWm2lA6Zkda6MhwXv\nR7yZI1azlbEHWaFAs9g=\n-----END CERTIFICATE-----",
            "-----BEGIN PUBLIC KEY-----\nMIIXUomrkYw0gdKjcCpGHL7V6FBN34VugJOZnI26wnCmasEVaaxLcbtlNOrS8w/Z\nOzz99ECtNnHovcKm0hsIQgU9hwmaHWvGb8bU59aEtiR64Kueusy8A9GLfwDRHFMc\nZKcqhlTATzhejvLHtxY+9qj8FiKcse9DjjLTUj+yqbOIq5I8PX26j6QdE0393h48\nubFX+y0qld9Pu9R4TGqKxFN/TLDHQSEbK3mS6zlo4sJptz3cU6LwdiQn6Y+yFHcd\nLbrI1MVxYMlmc/jDS2qWtCuc2lszKBDlFOZet8xH8DB0YBvS0gzaT9rNJvZT3lI4\n+8QOJR2+Sg/6wYWyvKpUihdC8MI8Enc7NlEQACExfPifeOxtc8MEdD7naXE7hTYe\ngew+zK8Out8l9tuldTY=\n-----END PUBLIC KEY-----",
        ],
        rotation: PEM_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC005",
        name: "openssh-private-key",
        description: "An OpenSSH private key; it logs in to every host that trusts its public key and signs git commits.",
        provider: "OpenSSH",
        keywords: &["begin openssh private key"],
        pattern: r"-----BEGIN OPENSSH PRIVATE KEY-----[A-Za-z0-9+/=\s\\]{64,}?-----END OPENSSH PRIVATE KEY-----",
        validate: Some(validate::pem_private_key),
        examples: &[
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA2awu+YMfnmX4ao2bDCXFJ1pJacbOLZaxStmQrJJ9lfxz\nDg8Ix1+j0BryD5Mede0amh6WoqQ8tJFXTODilKt4gXF8pDYhslUPmdbgmnsQ2+T9\nEeHM/FTYFx4srsQeZKKEP2YkaEybEAAsh63GdvsENx27tXePJ3Uh49niPsmgzJLx\nRt1TWjMQ0hi+xUPwUQ/RPf6qxa1NPL9u1eScSQuPql0eC1PRb0N/HbjQoZzwqb6l\nSTRGmB4feDtogA9rgVS8tzF/QxCosvBRisp2NdXM6vAo/ZIcZVQHqp6gi9xOMfFc\nD14MrzhgiiFFWpfhfEJApVaTfk+8A+HrZSgFObPKk4ishzbIFq2BJsKe1gJiCw0t\nh842SfYXnVl1+952ux+LdIzOvV2iEeczFlkK\n-----END OPENSSH PRIVATE KEY-----\n",
        ],
        negatives: &[
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE user@host",
        ],
        rotation: "Generate a new key (`ssh-keygen -t ed25519`), replace the old public key in every authorized_keys file and in the GitHub/GitLab SSH keys settings, then delete the old public key there so the leaked private key no longer logs in.",
        ..BASE
    },
    Rule {
        id: "SEC006",
        name: "pgp-private-key-block",
        description: "An ASCII-armored OpenPGP secret key; it decrypts mail and files sent to its owner and signs releases or commits in their name.",
        provider: "OpenPGP",
        keywords: &["begin pgp private key block"],
        pattern: r"-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{64,}?-----END PGP PRIVATE KEY BLOCK-----",
        validate: Some(validate::pem_private_key),
        examples: &[
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: fake test key\n\nMIL/rISUj9m+XTz0QCH4yuxxToyZAS1ss8WrFTVUWnZ5W9dqMYvgTBw9lK3ehHWh\nCSOwXaJHyHBSIGDI3TGm9i/OrAp9WOerDujnfro2mwJrueRGiWBfflLu4HvtBVb3\nqyCNuG00U+mRJcdz4cr1UVK8PaRlpsMmxDdZAUiF6apNJeKQCMaqBncxvJJIM0kG\nfR74QjA89m5TEy6ggdmAqq7pMGBcrG6Xxq+QjP2l7s5ZTjLL9FiAvrVRDkbdNBKv\nIT7K7p86wzzgNVGgalAfNNG1hVYPOUyAHyk8ixTCaz5lu+aR83Ih+V+k/LQ1GY+A\nK+GGZHqbpuclDDg2uftfZ8/KvVTer67YFACRhz0qUEtspfuOXNkZV3SRCxdooDUC\nr/4k0bqJU077ys0Zma44M8kjrZliARI4P2c9RXMvW+og4wb/zrKFHMjQ/ZKzGT5N\nRT4GVBU7zuliEGyTrzRD0AF5w1C3yjLEk52HHGDdEtNtiSZFR3uFr07dOS7ybHnY\nEb3UjneBzAuzkXBUmZme+Aj0\n=FAKE\n-----END PGP PRIVATE KEY BLOCK-----",
        ],
        negatives: &[
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nMIJ1YdqU2hjOEDwevwiGSaOvovEGhjoW9YOcm2FVv/l3naz0at7acgu4LeScZkm7\nJgM4L41uvvSyTZ0lzeyD1uAtWUgjqybHfEV80DkfzLNBTy2yVfsEPEPCeD3AXJYk\nQ+LfVtrRYYddho/Xz00i+3qefyAZjar3VAo3uGkUZTYvWrruWfSNINAl6IEswXbS\natfOiAt2EWeBxZl0JjIq05pOGWN4sjhOQk97svyGSYCLrmXKarXqDleOL2ie63Fg\nQn0hHjlICpCUeOoYM7lL3HjV13P2DlKxs98bOF4rcYTzdvpflkRylQ9GZl5EYnYD\nZ/0dVFRO8Um2iK71ScJ3bNYw1NSDgdAo5ZcOx4/eRuX9Ev2POA04A+ZuSr6XJ/Qf\nTvVoJtr+eynuPde2jDlrRU8zC97f01DS5chZLuzP/xvCSYINjxC8iMPpNCwERBsj\nPv+VC12Q5v2s0Td2W/bDwB3oO6zWDFxUu++PuoWAW2hlXCiHiXU09Nrdx9+FvnDa\nnaowOJFyjEa1o8nPRkAv4+wr\n-----END PGP PUBLIC KEY BLOCK-----",
        ],
        rotation: "Publish a revocation certificate for the key (`gpg --gen-revoke`, then `gpg --send-keys`), create a new key, update it on keyservers, GitHub/GitLab GPG keys settings and package signing configuration, and re-sign what must stay trusted.",
        ..BASE
    },
    Rule {
        id: "SEC007",
        name: "putty-private-key",
        description: "A PuTTY (.ppk) private key file; it logs in to every host that trusts its public key.",
        provider: "PuTTY",
        keywords: &["putty-user-key-file-"],
        pattern: r"PuTTY-User-Key-File-[23]: [a-z0-9\-@.]{5,40}\r?\n[\s\S]*?Private-Lines: \d{1,4}\r?\n[A-Za-z0-9+/=\r\n]{16,}?Private-MAC: [0-9a-fA-F]{40,64}",
        validate: Some(validate::putty_private_key),
        examples: &[
            "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: fake-key\nPublic-Lines: 2\nFAKEM3/E9Ugq9Je1Q5i6ZTk5BF5fE3SEH6ia+7mLfGW8EiXNwXRLKS78abECca01\nY+Sx\nPrivate-Lines: 1\nFAKEhcWT+SG/qOPafKorXHGj+R9Kg5i+gESBsV+JxLHh\nPrivate-MAC: 0b83774628800c9526ddb5dff7d7fcf3e41d4c0f012363f165926479c4231424\n",
        ],
        negatives: &[
            "PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 1\n<redacted>\nPrivate-MAC: <redacted>",
        ],
        rotation: "Generate a new key pair in PuTTYgen, replace the old public key in every authorized_keys file, then remove the old one so the leaked .ppk no longer logs in.",
        ..BASE
    },
    Rule {
        id: "SEC008",
        name: "base64-pem-private-key",
        description: "A PEM private key wrapped in base64, as in kubeconfig `client-key-data`, Kubernetes Secrets and CI variables.",
        provider: "PEM (base64)",
        keywords: &["ls0tls1crudjti"],
        pattern: r"(?-u:\b)LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,}={0,2}",
        validate: Some(validate::base64_pem_private_key),
        examples: &[
            "users:\n- name: admin\n  user:\n    client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUt6ZTZ4OXNocjNlVnp3K0EybFZVZDNGTVlnQW1jK0l5ZGNiL2xPVTI3b0pqcUJSUjJTUk4vVWdtMmhYQk5MCmpFbGpiS0txUDN5LzBEWHVmK3ZLdGMzeUdyQ3dETUtDeDBQM3RjbmlDN3BCRDV5V0RPY2NQNUxyUVVrVlhVS1oKalFjd1dwejNGb2xSazE3UitOakhFUWg0UzgzcFZuMDBId0svTGQ4L3c2Ly95NVFHcDkyNW9EMTd4NHM0b1JIVApXZlFIcWN6MWhzeW16c1p6QUl3TUlKQlczcFRjSSswSHQyd0MzdWRUa1h4REdkdUd5WVc5dHBQeEFyWWVmbmdJCkJNUWJvZjFVdDJ0NW16eERGYlVvY1QvVjhJRDNCL01rZElkcXlVT2R4VVR0cjV5ejQ4ZExReVhzV29jSmZvRTAKNzZZT1BzUVFIMmhDOGNqMHdpbnRoTHFjVVkwYzg2cGtJeFRpZlJSbGMxVE9McnAxR0JjNFpCNnV3RHd4NHFaUwpJVEg3TVdlT2NuNjhVYzl6QllDRklUWGZpSElSMzVmYUtDMWZQb3p2NjRac283eERCNk01eDEvb2UvUGlOaGxuCnByNjhpOTlMeTYrYlFiT2Z6c050YWR1ZHVEUndITlhpcUhHQU5ScDZ0VFpvSFAvUkp3OVBiaWZ0TkNUNy94SkIKbURPNzY2M1lKRkdBVjhjVlpjWE1GaWZkZ05MMUZlMHFML0EydCt5VWxSNHQydVFzcC9PeGpSclI4UXpxcjcvVApWeEphM0dHNm9QSEJjWHJxbzg1WFpON011SlFSQWViYzBjR0R2WUxZd3NmRDQxRDI5WUpMWm1GVVNkWm5TYllxCjlyNGJNLzYxWVZ5RjhLSkxwRXJyM0p3cEZOa2pXUEo1ZXgwaWYzc2dHRWRVMzVRdnBJRVk0aDlhTjJLMHM2QTEKSStSa21XTnh3SGJ5N3gxMzJ2eGZBUFRlSGZFTGRMQU1peTRPbDYvS3BQRG9KTGM5UkxNbFlwaVNuRXh6LzVsVgpLa2FadW5EZkI4cXErOERWRWFmUmtibTFTNTZRUHQyblFxOD0KLS0tLS1FTkQgUlNBIFBSSVZBVEUgS0VZLS0tLS0K\n",
        ],
        negatives: &[
            "client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSlloNUlNUmlsTFdLbkd0aCtpaG1BN0x1dDVBT2thbWxLMUp4a3c4VVorU1VBNXhJY3BkWWxXYUNha0Z3VXcKVDJaZWdpazJnOVpROEdobmFEOEhIbFpSSHVML0J3Y2cwWjl3dEJ3eFlHWXFZZUJWaUpWN3NyUEZabi9WQXo4bApwNnlac0NSZlZTcXRyWGx0Z2drSVFpZEdMNHE4V3B3MFdiRGFOclpjcTdabnFHc3VweEpkdVN0K1JLZENaK1AyCnJwdDNGbUxQRWNqYVhxYW9KSHJyaVk0QysrZ2R3LzRNK01BY2UxQlFaN3A3b1dGTWttNFQwd1FBWVNZTnlVcVYKS3hPTUFCYU02OTFEV0E4MG9hMnMyclJRSHJBM1VjQmtGdHdCS05SeW5rSkVHaGFRMHZSZGZYZWNQdDRnTldHRwo4SWd4YnRGWld6RlphQmp6ZnNVRTRXa0VnM2lDYmZWdmtyU2txVUxJYkordUY4T2FDclBwT0RqU2MycjVkVjZzCllmNzNkbGt0ZFpXK05wRVNxVUU9Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K",
        ],
        rotation: PEM_ROTATION,
        ..BASE
    },
    Rule {
        id: "SEC009",
        name: "age-secret-key",
        description: "An age encryption identity; it decrypts every file encrypted to its recipient (sops, chezmoi, backups).",
        provider: "age",
        keywords: &["age-secret-key-1"],
        pattern: r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
        validate: Some(validate::age_secret_key),
        examples: &[
            "# created: 2024-01-01T00:00:00Z\n# public key: age1fake\nAGE-SECRET-KEY-10VZWUEC2T709PZTPWS27HRULPEDGTW6SP42WRGMHTY260W5HPUSYUS88WD\n",
        ],
        negatives: &["AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"],
        rotation: "Generate a new identity (`age-keygen`), re-encrypt every file and sops secret to the new recipient, remove the old recipient from .sops.yaml and recipient lists, and rotate the secrets those files protected.",
        ..BASE
    },
    Rule {
        id: "SEC010",
        name: "json-web-token",
        description: "A signed JSON Web Token; while unexpired it authenticates its bearer as the subject it names.",
        provider: "JWT",
        keywords: &["eyj"],
        pattern: r"(?-u:\b)eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,}",
        validate: Some(validate::jwt),
        examples: &[
            "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLXVzZXItNTI4NzU1Iiwibm90ZSI6IkZBS0UiLCJpYXQiOjE3MDY4MzQ0OTh9.3yHWfLwoDi-kif4WTmAPb1AcNzMrfY8AKBWcpuLQnwg",
            "const token = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmYWtlLXVzZXItMDA0ODIxIiwibm90ZSI6IkZBS0UiLCJpYXQiOjE3MDEzNDM0MDZ9.-OOaHEB5TTza6bTQ5LOgWIoBdmAV-AguTuLkIRjFmZc';",
        ],
        negatives: &[
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
            "eyJub3QiOiJhIGp3dCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2Zha2VfZmFrZQ",
        ],
        rotation: "Revoke the session or signing key that issued the token (log the subject out, or rotate the issuer's signing key if it was a long-lived service token) and reissue; a JWT cannot be revoked on its own before it expires unless the issuer keeps a deny list.",
        ..BASE
    },
];
